import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// Relative asset paths: the same build is served by Tauri and by `koodesk serve`.
export default defineConfig({
  base: './',
  plugins: [vue()],
  define: { 'process.env': {} },
  build: { outDir: 'dist', chunkSizeWarningLimit: 4000, sourcemap: false },
  server: { port: 5173, strictPort: true },
  test: { environment: 'happy-dom', include: ['src/**/*.test.ts'] },
})
