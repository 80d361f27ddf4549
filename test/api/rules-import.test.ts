/**
 * One pack loader: `rules:import` reads packs with the loader `rules:check` validates with, so a
 * pack file holding `{ "rules": [...] }` (bench50) imports all its 50 rules, not 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTestApp, type TestApp } from '../support/app';
import { importPack } from '../../server/catalog/import-pack';
import { loadPackDir } from '../../server/rules/load-pack';
import { systemCtx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { ServiceError } from '../../server/lib/errors';

const BENCH50 = fileURLToPath(new URL('../../rules/packs/bench50', import.meta.url));

let t: TestApp;
let other: { tenantId: string; key: string };
beforeAll(async () => { t = await makeTestApp(); other = await t.otherTenant('packs'); });
afterAll(async () => { await t?.close(); });

describe('rules:import', () => {
  it('imports every rule of bench50 that rules:check validates (50)', async () => {
    expect(loadPackDir(BENCH50).rules).toHaveLength(50);
    const ctx = systemCtx(t.handle.db, other.tenantId, PERMISSION_CODES);
    const r = await importPack({ ctx, dir: BENCH50, effectiveFrom: '2025-01-01' });
    expect(r).toMatchObject({ created: 50, updated: 0, unchanged: 0, rules: 50, plans: 0 });
    const list = await t.call('GET', '/api/v1/rules?limit=100', { key: other.key });
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(50);
    expect(await importPack({ ctx, dir: BENCH50, effectiveFrom: '2025-01-01' })).toMatchObject({ created: 0, unchanged: 50 });
  });

  it('imports nothing from a pack with a problem, naming the file and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pack-'));
    try {
      writeFileSync(join(dir, 'good.json'), JSON.stringify({ id: 'fine', name: 'Fine', kind: 'discount', priority: 1, conditions: { all: [] }, event: { type: 'discount', params: { percent: '5' } } }));
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ rules: [{ id: 'broken', name: 'Broken', kind: 'discount', priority: 1, conditions: { all: [] }, event: { type: 'discount', params: { percent: 'ten' } } }] }));
      const ctx = systemCtx(t.handle.db, other.tenantId, PERMISSION_CODES);
      const err = await importPack({ ctx, dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServiceError);
      expect((err as ServiceError).issues.map((i) => i.path)).toEqual([expect.stringMatching(/bad\.json:rules\[0\]\.event\.params\.percent$/)]);
      const rules = await t.call('GET', '/api/v1/rules/fine', { key: other.key });
      expect(rules.status).toBe(404);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
