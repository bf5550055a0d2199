// Build of the technician's app. The service worker is our own (src/sw.js, injectManifest):
// Workbox only fills in the precache list of the hashed build; push handlers: src/sw-push.js.
import preact from '@preact/preset-vite'
import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'

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
      },
    }),
  ],
  build: { target: 'es2020', sourcemap: false },
  server: { proxy: { '/api': 'http://127.0.0.1:5000' } },
  test: {
    environment: 'node',
    setupFiles: ['fake-indexeddb/auto'],
    include: ['test/**/*.test.js'],
  },
})
