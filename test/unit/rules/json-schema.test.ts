import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSchemas } from '../../../server/rules/gen-json-schema';

describe('rules/schema/*.schema.json', () => {
  it('are up to date with the zod schemas (run: npx tsx server/rules/gen-json-schema.ts)', () => {
    for (const [name, text] of Object.entries(renderSchemas())) {
      expect(readFileSync(new URL(`../../../rules/schema/${name}`, import.meta.url), 'utf8')).toBe(text);
    }
  });
  it('describe money as decimal strings and conditions recursively', () => {
    const plan = JSON.parse(renderSchemas()['plan.schema.json']);
    expect(JSON.stringify(plan)).toContain('"pattern":"^\\\\d{1,15}(\\\\.\\\\d{1,12})?$"');
    expect(plan.required).toEqual(expect.arrayContaining(['code', 'name', 'currency', 'interval', 'components']));
  });
});
