import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'

/**
 * TinyVue ships every component with a PC template and a mobile-first one (and some a mobile one), both imported by
 * the component's `lib/index.js`, which picks one at run time from the design mode. The console never sets a mode,
 * so it always gets the PC template: the other imports are resolved to the same `pc.js`, which keeps the mobile
 * templates' dependencies (action sheet, better-scroll, …) out of the bundle without changing what renders.
 */
function tinyVuePcOnly(): Plugin {
  return {
    name: 'koodesk:tiny-vue-pc-only',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!importer || (source !== './mobile-first.js' && source !== './mobile.js')) return null
      if (!/[\\/]@opentiny[\\/]vue-[^\\/]+[\\/]lib[\\/]index\.js$/.test(importer)) return null
      const pc = join(dirname(importer), 'pc.js')
      return existsSync(pc) ? pc : null
    },
  }
}

// Relative asset paths: the same build is served by Tauri and by `koodesk serve`.
export default defineConfig({
  base: './',
  plugins: [tinyVuePcOnly(), vue()],
  define: { 'process.env': {} },
  build: { outDir: 'dist', chunkSizeWarningLimit: 4000, sourcemap: false },
  server: { port: 5173, strictPort: true },
  test: { environment: 'happy-dom', include: ['src/**/*.test.ts'] },
})
