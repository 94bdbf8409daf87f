// vite.config.js - the web app is built into web/dist (or --outDir) and then
// compiled into the kehu binary (see embed.cmake). In development, `npm run
// dev` serves the app with hot reload and proxies /api to a running
// `kehu serve` on 127.0.0.1:8080.
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  plugins: [vue()],
  base: '/',
  build: {
    // Hashed file names under /assets/ are what lets the server cache them
    // for a year; index.html stays unhashed and is revalidated.
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts';
          if (id.includes('node_modules/element-plus') || id.includes('node_modules/@element-plus')) return 'element';
          if (id.includes('node_modules')) return 'vendor';
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false },
    },
  },
});
