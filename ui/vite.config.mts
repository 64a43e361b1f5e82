// The web app's build. No React plugin: Vite 8 transforms JSX with oxc itself (automatic runtime);
// we do without fast refresh. The manifest lets bench/ui-size.ts find each page's initial chunks.
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    // bpmn-js is one big lazy chunk by design; the warning would only repeat that.
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      // rjsf marks its hooks 'use client' (for React Server Components); meaningless in a SPA bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
