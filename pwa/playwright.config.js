// End-to-end tests: the real Flask app (a fresh SQLite database per test, see e2e/server.js)
// driven in Debian's Chromium. Nothing is downloaded: the browser is /usr/bin/chromium.
import { defineConfig } from '@playwright/test'

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.js',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  workers: 2,
  fullyParallel: true,
  reporter: [['list']],
  outputDir: 'test-results',
  globalSetup: './e2e/global-setup.js',
})
