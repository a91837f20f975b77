import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = 'http://127.0.0.1:8787';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: {
    proxy: { '/api': api, '/v1': api, '/health': api, '/ready': api, '/metrics': api },
  },
  build: {
    outDir: 'dist',
    sourcemap: false,
    rollupOptions: {
      output: {
        // Heavy libraries live in their own chunks, loaded with the pages that use them.
        manualChunks(id) {
          if (id.includes('node_modules/chart.js') || id.includes('node_modules/react-chartjs-2')) return 'charts';
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
