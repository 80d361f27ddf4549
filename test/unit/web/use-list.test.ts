/**
 * The list composables of the console (web/src/composables/useList.ts): paging into the query,
 * `search()` back to page 1, errors into `loadError`, and a slow answer to an older load never
 * replacing the rows of a newer one.
 */
import { describe, expect, it } from 'vitest';
import { useList, usePagedList, type Paging } from '@/composables/useList';

/** A fetch whose answers the test releases by hand, in any order. */
function controlled<R>() {
  const calls: { args: unknown; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  const fetch = (args?: unknown) => new Promise<R>((resolve, reject) => calls.push({ args, resolve, reject }));
  return { calls, fetch };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('usePagedList', () => {
  it('passes limit/offset from the page and fills rows and total', async () => {
    const { calls, fetch } = controlled<{ data: string[]; total: number }>();
    const list = usePagedList<string>((p: Paging) => fetch(p));
    list.page.current = 3;
    list.page.size = 20;
    const done = list.load();
    expect(list.loading.value).toBe(true);
    expect(calls[0].args).toEqual({ limit: 20, offset: 40 });
    calls[0].resolve({ data: ['a', 'b'], total: 42 });
    await done;
    expect(list.rows.value).toEqual(['a', 'b']);
    expect(list.total.value).toBe(42);
    expect(list.loading.value).toBe(false);
    expect(list.loadError.value).toBe('');
  });

  it('search() goes back to page 1', async () => {
    const { calls, fetch } = controlled<{ data: string[]; total: number }>();
    const list = usePagedList<string>((p) => fetch(p), { size: 10 });
    list.page.current = 4;
    list.search();
    expect(list.page.current).toBe(1);
    expect(calls[0].args).toEqual({ limit: 10, offset: 0 });
  });

  it('drops the answer (and the error) of a load a newer one overtook', async () => {
    const { calls, fetch } = controlled<{ data: string[]; total: number }>();
    const list = usePagedList<string>((p) => fetch(p));
    const first = list.load();
    const second = list.load();
    calls[1].resolve({ data: ['new'], total: 1 });
    await second;
    calls[0].resolve({ data: ['old'], total: 9 });
    await first;
    expect(list.rows.value).toEqual(['new']);
    expect(list.total.value).toBe(1);

    const third = list.load();
    const fourth = list.load();
    calls[2].reject(new Error('too late'));
    await third;
    expect(list.loading.value).toBe(true); // the fourth is still running
    expect(list.loadError.value).toBe('');
    calls[3].resolve({ data: ['newest'], total: 1 });
    await fourth;
    expect(list.loading.value).toBe(false);
    expect(list.rows.value).toEqual(['newest']);
  });
});

describe('useList', () => {
  it('keeps the rows and shows the message when a load fails', async () => {
    const { calls, fetch } = controlled<{ data: number[] }>();
    const list = useList<number>(() => fetch());
    const a = list.load();
    calls[0].resolve({ data: [1, 2, 3] });
    await a;
    const b = list.load();
    expect(list.loadError.value).toBe('');
    calls[1].reject(new Error('boom'));
    await b;
    await tick();
    expect(list.rows.value).toEqual([1, 2, 3]);
    expect(list.loadError.value).toBe('boom');
    expect(list.loading.value).toBe(false);
  });
});
