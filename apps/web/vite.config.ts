import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const api = 'http://127.0.0.1:8787';

/**
 * Writes `<file>.br` (brotli, best) and `<file>.gz` (gzip -9) beside every hashed JS, CSS and SVG asset of the
 * build, so the server sends them as they are (no compression per request). Files under 1 KB are left alone.
 */
function precompress(): Plugin {
  return {
    name: 'switchyard:precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist';
      for (const name of Object.keys(bundle)) {
        if (!/^assets\/.+\.(js|css|svg)$/.test(name)) continue;
        const file = join(dir, name);
        const body = readFileSync(file);
        if (body.length < 1024) continue;
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(body, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
            },
          }),
        );
        writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  plugins: [react(), tailwindcss(), precompress()],
  server: {
    proxy: { '/api': api, '/v1': api, '/health': api, '/ready': api, '/metrics': api },
  },
  build: {
    outDir: 'dist',
    sourcemap: false,
    // dist/.vite/manifest.json: the chunk graph, read by scripts/check-bundle.mjs to measure the first load.
    manifest: true,
    rollupOptions: {
      output: {
        // Heavy libraries live in their own chunks, loaded with the pages that use them.
        manualChunks(id) {
          if (id.includes('node_modules/chart.js') || id.includes('node_modules/react-chartjs-2'))
            return 'charts';
          if (id.includes('node_modules/@dnd-kit')) return 'dnd';
          // React has a chunk of its own: otherwise Rollup pulls it into the first manual chunk that imports it
          // (charts or dnd), and the shell would preload that whole chunk for React.
          if (/node_modules\/(react|react-dom|scheduler)\//.test(id)) return 'react';
          return undefined;
        },
      },
    },
  },
});
