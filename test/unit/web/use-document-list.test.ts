/**
 * useDocumentList (web/src/composables/catalog/useDocumentList.ts), behind the plan and rule list
 * pages: the search matches code or name, case-blind, and the page's own filter applies on top.
 */
import { describe, expect, it } from 'vitest';
import { ref } from 'vue';
import type { CatalogEntry } from '@/api/catalog';
import { useDocumentList } from '@/composables/catalog/useDocumentList';

type Doc = { kind: string };
function entry(code: string, name: string, kind: string, status: CatalogEntry['status'] = 'published'): CatalogEntry<Doc> {
  return {
    id: code, kind: 'rule', code, name, retiredFrom: null, latestPublished: null, inEffect: null, scheduled: [], draftVersion: null, status,
    document: { kind }, updatedAt: '2026-01-01T00:00:00Z',
  };
}
const ENTRIES = [entry('kr-vat', 'VAT 10%', 'tax'), entry('spring', 'Spring promotion', 'promotion'), entry('corp', 'Corporate VAT note', 'discount', 'draft')];

describe('useDocumentList', () => {
  it('searches code and name case-blind, with the page filter on top', async () => {
    const kind = ref('');
    const list = useDocumentList(async () => ({ data: ENTRIES }), (e) => !kind.value || e.document?.kind === kind.value);
    await list.load();
    expect(list.entries.value).toHaveLength(3);
    expect(list.rows.value.map((e) => e.code)).toEqual(['kr-vat', 'spring', 'corp']);

    list.query.value = '  vat ';
    expect(list.rows.value.map((e) => e.code)).toEqual(['kr-vat', 'corp']);
    kind.value = 'discount';
    expect(list.rows.value.map((e) => e.code)).toEqual(['corp']);
    list.query.value = 'SPRING';
    expect(list.rows.value).toEqual([]);
    kind.value = '';
    expect(list.rows.value.map((e) => e.code)).toEqual(['spring']);
    expect(list.entries.value).toHaveLength(3);
  });

  it('shows a failed load as loadError and no rows', async () => {
    const list = useDocumentList<Doc>(async () => {
      throw new Error('down');
    });
    await list.load();
    expect(list.rows.value).toEqual([]);
    expect(list.loadError.value).toContain('down');
  });
});
