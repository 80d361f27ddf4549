/**
 * When `npm start` and the e2e harness rebuild the console: only when an input of the build
 * changed in content, whatever the file times say (server/web-build.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isWebBuildFresh, webSourceHash, writeWebBuildStamp } from '../../server/web-build';

let root: string;
const put = (path: string, text: string) => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
};
/** What a successful `vite build` leaves: the bundle and the stamp of the sources it read. */
const build = () => {
  put('web/dist/index.html', '<script type="module" src="/assets/index.js"></script>');
  writeWebBuildStamp(webSourceHash(root), root);
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'bw-web-build-'));
  put('web/index.html', '<div id="app"></div>');
  put('web/src/main.ts', "console.log('v1');");
  put('web/src/pages/PlansPage.vue', '<template><el-table /></template>');
  put('web/README.md', '# console');
  put('web/components.d.ts', 'export {}');
  put('vite.config.ts', 'export default {};');
  put('package-lock.json', '{"lockfileVersion":3}');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('web build staleness', () => {
  it('is stale without a build, fresh right after one', () => {
    expect(isWebBuildFresh(root)).toBe(false);
    build();
    expect(isWebBuildFresh(root)).toBe(true);
  });

  it('is stale when the stamp or the bundle is missing (an interrupted or hand-cleaned build)', () => {
    build();
    unlinkSync(join(root, 'web/dist/.build-stamp'));
    expect(isWebBuildFresh(root)).toBe(false);
    build();
    unlinkSync(join(root, 'web/dist/index.html'));
    expect(isWebBuildFresh(root)).toBe(false);
  });

  it('stays fresh when a checkout touches every file without changing it', () => {
    build();
    const later = new Date(Date.now() + 3_600_000);
    for (const f of ['web/src/main.ts', 'web/src/pages/PlansPage.vue', 'vite.config.ts', 'package-lock.json']) {
      utimesSync(join(root, f), later, later);
    }
    expect(isWebBuildFresh(root)).toBe(true);
  });

  it('is stale when a source changes even if its time goes backwards (a file restored from git)', () => {
    build();
    put('web/src/main.ts', "console.log('v2');");
    const earlier = new Date(Date.now() - 86_400_000);
    utimesSync(join(root, 'web/src/main.ts'), earlier, earlier);
    expect(isWebBuildFresh(root)).toBe(false);
  });

  it('is stale when a file is added or removed under web/', () => {
    build();
    put('web/src/pages/NewPage.vue', '<template><div /></template>');
    expect(isWebBuildFresh(root)).toBe(false);
    build();
    unlinkSync(join(root, 'web/src/pages/NewPage.vue'));
    expect(isWebBuildFresh(root)).toBe(false);
  });

  it('is stale when vite.config.ts or package-lock.json changes', () => {
    build();
    put('vite.config.ts', 'export default { build: {} };');
    expect(isWebBuildFresh(root)).toBe(false);
    build();
    put('package-lock.json', '{"lockfileVersion":3,"packages":{}}');
    expect(isWebBuildFresh(root)).toBe(false);
  });

  it('ignores what cannot change the bundle: declaration files, READMEs, web/dist itself', () => {
    build();
    put('web/components.d.ts', 'export {}\ndeclare module "vue" {}');
    put('web/README.md', '# console, rewritten');
    put('web/dist/assets/extra.js', '');
    expect(isWebBuildFresh(root)).toBe(true);
  });
});
