/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The bundle goes straight into the web-ui jar's webroot; `npm run dev` proxies the API to a running `easel serve`.
const api = 'http://127.0.0.1:8188';
export default defineConfig({
  plugins: [react()],
  base: './',
  build: { outDir: '../target/classes/webroot', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: {
    proxy: Object.fromEntries(
      ['/api', '/ws', '/prompt', '/queue', '/history', '/object_info', '/view', '/upload', '/interrupt', '/userdata',
        '/settings', '/workflow_templates', '/users'].map((p) => [p, { target: api, ws: p === '/ws' }])),
  },
  test: { include: ['src/**/*.test.ts'] },
});
