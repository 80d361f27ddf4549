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
        // Charts are needed by four pages only; ECharts and its renderer (zrender) get chunks of
        // their own (each under the 500 kB warning), loaded with the first chart and cached apart
        // from the app code, which changes more often.
        manualChunks(id) {
          if (id.includes('/node_modules/zrender/')) return 'zrender';
          if (id.includes('/node_modules/echarts/') || id.includes('/node_modules/vue-echarts/')) return 'echarts';
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
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: true,
  },
});
