// Build of the technician's app. The service worker is our own (src/sw.js, injectManifest):
// Workbox only fills in the precache list of the hashed build; push handlers: src/sw-push.js.
import preact from '@preact/preset-vite'
import { realpathSync } from 'node:fs'
import { defineConfig, searchForWorkspaceRoot } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'

const isOffice = (id) => /(^|[\\/])src[\\/]office[\\/]/.test(id || '') // absolute ids, or asset paths relative to the project

const manifest = {
  id: '/',
  name: 'Assistec — Assistência Técnica',
  short_name: 'Assistec',
  description: 'Agenda, visitas e ocorrências do técnico, mesmo sem sinal.',
  lang: 'pt-BR',
  dir: 'ltr',
  start_url: '/agenda',
  scope: '/',
  display: 'standalone',
  orientation: 'portrait',
  background_color: '#ffffff',
  theme_color: '#155e75',
  icons: [
    { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
  ],
}

export default defineConfig({
  plugins: [
    preact(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.js',
      // We register the worker ourselves (src/lib/update.js) to show "Atualização disponível".
      injectRegister: false,
      registerType: 'prompt',
      manifest,
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,png,svg,webmanifest}'],
        // The office's chunks (src/office, loaded only on /escritorio) stay out of the precache:
        // the technician's phone must never download them.
        globIgnores: ['**/assets/office-*'],
      },
    }),
  ],
  build: {
    target: 'es2020',
    sourcemap: false,
    // The shell is a single chunk: no <link rel=modulepreload> to polyfill (saves ~0.3 KB gzip).
    modulePreload: false,
    rolldownOptions: {
      output: {
        // Name the office's chunk and its CSS assets/office-*, so globIgnores above can drop them.
        chunkFileNames: (chunk) => (isOffice(chunk.facadeModuleId) ? 'assets/office-[hash].js' : 'assets/[name]-[hash].js'),
        assetFileNames: (asset) =>
          (asset.originalFileNames || []).some(isOffice) || (asset.names || []).some((n) => /^OfficeApp/.test(n))
            ? 'assets/office-[hash][extname]'
            : 'assets/[name]-[hash][extname]',
      },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:5000' },
    // node_modules may be a link to a shared install outside this folder (a git worktree's).
    fs: { allow: [searchForWorkspaceRoot(process.cwd()), realpathSync('node_modules')] },
  },
  test: {
    environment: 'node',
    setupFiles: ['fake-indexeddb/auto'],
    include: ['test/**/*.test.{js,jsx}'],
  },
})
