/**
 * The console's wire types (web/src/api/schema.gen.ts) are generated from the server's OpenAPI
 * document; a route schema changed without regenerating them makes this test fail.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_TYPES_COMMAND, API_TYPES_FILE, renderApiTypes } from '../../../server/gen-api-types';

describe('web/src/api/schema.gen.ts', () => {
  let fresh = '';
  beforeAll(async () => {
    fresh = await renderApiTypes();
  });

  it(`is up to date with the server's OpenAPI document (run: ${API_TYPES_COMMAND})`, () => {
    const committed = readFileSync(API_TYPES_FILE, 'utf8');
    // toBe on 7,000 lines prints a diff nobody reads; say what to do instead.
    if (committed !== fresh) expect.fail(`web/src/api/schema.gen.ts is stale: run \`${API_TYPES_COMMAND}\` and commit the result`);
  });

  it('holds the paths and named schemas the API serves', () => {
    expect(fresh).toContain('"/api/v1/invoices/{id}": {');
    expect(fresh).toMatch(/\n {8}Invoice: components\["schemas"\]\["InvoiceSummary"\] & \{/);
  });
});
