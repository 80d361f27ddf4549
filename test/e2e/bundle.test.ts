/**
 * The console's bundle budget (web/README.md "Bundle"): what the browser loads before the first
 * page stays small, and the chart library is fetched only by the pages that draw charts.
 * Reads web/dist as built by `vite build` (built first when stale, as for the other e2e tests).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureWebBuilt, webDist } from '../../server/web-build';

const DIST = webDist();
const KB = 1000; // vite reports and limits chunk sizes in kB of 1,000 bytes
let html = '';
/** The entry script and every chunk the HTML preloads with it: the first page's JavaScript. */
let upfront: string[] = [];

beforeAll(() => {
  ensureWebBuilt();
  html = readFileSync(join(DIST, 'index.html'), 'utf8');
  upfront = [...html.matchAll(/<(?:script type="module"[^>]*src|link rel="modulepreload"[^>]*href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
});

describe('console bundle', () => {
  it('loads at most 300 kB gzip of JavaScript before the first page', () => {
    expect(upfront.length).toBeGreaterThan(0);
    const gzip = upfront.reduce((n, f) => n + gzipSync(readFileSync(join(DIST, f))).length, 0);
    expect(gzip / KB).toBeLessThan(300);
  });

  it('leaves ECharts out of the first load: only chart pages fetch it', () => {
    const charts = readdirSync(join(DIST, 'assets')).filter((f) => /^vendor-(echarts|zrender)-.*\.js$/.test(f));
    expect(charts.length).toBe(2);
    for (const f of charts) expect(upfront).not.toContain(`assets/${f}`);
  });

  it('has no chunk over vite\'s default 500 kB warning limit', () => {
    const js = readdirSync(join(DIST, 'assets')).filter((f) => f.endsWith('.js'));
    const big = js.filter((f) => readFileSync(join(DIST, 'assets', f)).length / KB > 500);
    expect(big).toEqual([]);
  });
});
