/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import { fileURLToPath } from 'node:url';
import { webBuildStamp } from './server/web-build';

const webFile = (p: string) => fileURLToPath(new URL(`./web/${p}`, import.meta.url));

// One config for the web build (root web/, output web/dist served by the API server)
// and for vitest (tests under test/, run from the repository root).
export default defineConfig({
  root: webFile(''),
  plugins: [
    vue(),
    // Element Plus on demand: each <el-*> tag (and v-loading) in a template imports that component
    // and its CSS, so a page's chunk carries only what it uses. Our own components stay explicit
    // imports (dirs: []). ElMessage/ElMessageBox are imported explicitly in script code; their CSS
    // is loaded once in main.ts.
    Components({
      dirs: [],
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
      dts: webFile('components.d.ts'),
    }),
    webBuildStamp(),
  ],
  resolve: { alias: { '@': webFile('src') } },
  build: {
    outDir: webFile('dist'),
    emptyOutDir: true,
    rollupOptions: {
      output: {
        // Vendor chunks, cached apart from our code (which changes with every release):
        // - vendor-vue: Vue, its router, Pinia and vue-i18n, needed by every page (in the entry's
        //   first load with it, and keeping the entry well under the 500 kB warning);
        // - vendor-echarts, vendor-zrender: the chart library and its renderer (each under 500 kB),
        //   needed by the four pages with charts only, so fetched with the first of them.
        // Rollup also pulls a manual chunk's dependencies into it: only packages whose dependencies
        // are all listed here (or are each other) may be, or the entry would preload ECharts to get
        // Vue (vue-echarts imports vue, so it stays with our plugin in plugins/echarts.ts).
        manualChunks(id) {
          const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(id)?.[1];
          if (!pkg) return undefined;
          if (pkg === 'zrender') return 'vendor-zrender';
          if (pkg === 'echarts') return 'vendor-echarts';
          if (['vue', 'vue-router', 'pinia', 'vue-i18n'].includes(pkg) || /^@(vue|intlify)\//.test(pkg)) return 'vendor-vue';
          return undefined;
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: { '/api': 'http://localhost:3000', '/health': 'http://localhost:3000' },
  },
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    // Three projects. No file gets a process of its own (isolate: false on both pools): loading the
    // server's module graph per file was half the time of the database suites. The unit suite needs
    // no database and runs in worker threads; every `app` file builds its own app and database and
    // test/support/file-isolation.ts puts back what a file changed in the process (environment, job
    // kinds, schedules). The e2e files (a real server and Chromium each) start their servers on
    // copies of one demo database that their globalSetup seeds once per run
    // (test/e2e/demo-template.ts), only when an e2e file runs.
    projects: [
      {
        extends: true,
        // Worker threads of their own pool: vitest 3 decides per pool, from the root config, whether
        // a worker is recycled after each file, so isolate: false on a forks project alone still
        // started a process per file (twice the suite's time). Only this project uses threads.
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false, pool: 'threads' },
      },
      {
        extends: true,
        test: { name: 'app', include: ['test/**/*.test.ts'], exclude: ['**/node_modules/**', 'test/unit/**', 'test/e2e/**'], setupFiles: ['test/support/file-isolation.ts'] },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: ['test/e2e/demo-template.ts'] },
      },
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { threads: { isolate: false }, forks: { isolate: false } },
    fileParallelism: true,
    // vitest's default is one worker per core less one: on a 2-core machine that runs files one by one.
    maxWorkers: 2,
    minWorkers: 1,
    // Password hashing at 2^12 instead of production's 2^17 (server/lib/password.ts; honoured only under vitest).
    env: { BILLWISE_TEST_SCRYPT_LOG2N: '12' },
  },
});
