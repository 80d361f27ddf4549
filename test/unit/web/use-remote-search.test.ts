/** useRemoteSearch (web/src/composables/useRemoteSearch.ts): the latest search wins, failures show nothing. */
import { describe, expect, it } from 'vitest';
import { useRemoteSearch } from '@/composables/useRemoteSearch';

function controlled() {
  const calls: { q: string; resolve: (r: string[]) => void; reject: (e: unknown) => void }[] = [];
  const find = (q: string) => new Promise<string[]>((resolve, reject) => calls.push({ q, resolve, reject }));
  return { calls, find };
}

describe('useRemoteSearch', () => {
  it('keeps the options of the latest search when an earlier one answers last', async () => {
    const { calls, find } = controlled();
    const r = useRemoteSearch(find);
    const first = r.search(' ki ');
    const second = r.search('kim');
    expect(calls.map((c) => c.q)).toEqual(['ki', 'kim']);
    calls[1].resolve(['kim']);
    await second;
    expect(r.loading.value).toBe(false);
    calls[0].resolve(['ki', 'kim', 'kiwi']);
    await first;
    expect(r.options.value).toEqual(['kim']);
  });

  it('shows no options when the search fails, and include() puts a record first once', async () => {
    const { calls, find } = controlled();
    const r = useRemoteSearch(find);
    const done = r.search('x');
    calls[0].reject(new Error('offline'));
    await done;
    expect(r.options.value).toEqual([]);
    expect(r.loading.value).toBe(false);
    r.include('a', (x, y) => x === y);
    r.include('a', (x, y) => x === y);
    expect(r.options.value).toEqual(['a']);
  });
});
