/**
 * One Decimal: server/lib/money.ts configures decimal.js with 40 significant digits; the raw
 * package rounds every operation to 20, which silently drops digits of a 27-digit amount
 * (15 before the point, 12 after, as the schemas allow). Only money.ts may import the package.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import RawDecimal from 'decimal.js';
import { Decimal } from '../../server/lib/money';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const IMPORTS_DECIMAL_JS = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]decimal\.js['"]/;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('one Decimal', () => {
  it('the configured Decimal keeps a sum the raw package would round', () => {
    const a = '100000000000000.000000000001';
    expect(new Decimal(a).minus('0.5').toString()).toBe('99999999999999.500000000001');
    // what the scan below guards against: the raw import loses the last digits
    expect(new RawDecimal(a).minus('0.5').toString()).not.toBe('99999999999999.500000000001');
  });

  it('no server or seed file imports decimal.js except server/lib/money.ts', () => {
    const offenders = [...tsFiles(join(ROOT, 'server')), ...tsFiles(join(ROOT, 'seeds'))]
      .map((f) => relative(ROOT, f).replace(/\\/g, '/'))
      .filter((f) => f !== 'server/lib/money.ts' && IMPORTS_DECIMAL_JS.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the scan sees each import form', () => {
    for (const src of ["import Decimal from 'decimal.js';", 'import { Decimal } from "decimal.js"', "const D = await import('decimal.js')"]) {
      expect(IMPORTS_DECIMAL_JS.test(src)).toBe(true);
    }
    expect(IMPORTS_DECIMAL_JS.test("import { Decimal } from '../lib/money';")).toBe(false);
  });
});
