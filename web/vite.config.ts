import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web app, built to web/dist and served by the API server at / (server/api/home.ts). Build with
// `node node_modules/vite/bin/vite.js build web` (npm start does it when web/dist is out of date:
// scripts/lib/web-build.ts). `vite web` serves it with hot reload, the API proxied to `npm start`.
const api = process.env.API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  build: { target: 'es2022', chunkSizeWarningLimit: 1024 },
  server: { proxy: { '/api': api, '/ipfs': api } },
});
