// `make bench-pwa`: what the technician's phone pays to open the app.
//
// 1. The app shell's initial JS + CSS (what index.html loads before anything shows), gzipped.
//    Goal: at most 100 KB; office-only code must not be part of it.
// 2. In headless Chromium with 4× CPU throttling: an offline reload until the agenda is visible,
//    next to a blank page's load in the same run, and their ratio (medians of several runs).
import { chromium } from '@playwright/test'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import globalSetup from '../e2e/global-setup.js'
import { visitToday } from '../e2e/fixtures.js'
import { CHROMIUM, CHROMIUM_ARGS } from '../playwright.config.js'
import { PATHS, startServer } from '../e2e/server.js'

const RUNS = 7
const GOAL_KB = 100

function shellSize() {
  const html = readFileSync(`${PATHS.dist}/index.html`, 'utf8')
  const files = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1])
  let total = 0
  for (const file of files) {
    const gz = gzipSync(readFileSync(`${PATHS.dist}${file}`), { level: 9 }).length
    console.log(`  ${file.padEnd(40)} ${(gz / 1024).toFixed(1).padStart(6)} KB gzip`)
    total += gz
  }
  return total / 1024
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

async function timeIt(page, go, ready) {
  const start = performance.now()
  await go()
  await ready()
  return performance.now() - start
}

async function main() {
  console.log('== PWA: technician shell, initial JS + CSS ==')
  const kb = shellSize()
  console.log(`  total ${kb.toFixed(1)} KB gzip (goal ≤ ${GOAL_KB} KB): ${kb <= GOAL_KB ? 'ok' : 'OVER'}`)

  globalSetup()
  const backend = await startServer('bench')
  const profile = mkdtempSync(join(tmpdir(), 'assistec-bench-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    baseURL: backend.url,
    viewport: { width: 360, height: 740 },
    locale: 'pt-BR',
    timezoneId: 'America/Sao_Paulo',
  })
  try {
    const { request } = await import('@playwright/test')
    const office = await request.newContext({ baseURL: backend.url })
    const login = await office.post('/api/auth/login', { data: { email: 'atendimento@demo.assistec.com.br', password: 'assistec-demo' } })
    const headers = { 'X-CSRF-Token': (await login.json()).csrf_token }
    await visitToday({
      get: async (p) => (await office.get(p)).json(),
      post: async (p, data) => (await office.post(p, { data, headers })).json(),
    })

    const page = context.pages()[0] || (await context.newPage())
    await page.goto('/login')
    await page.getByLabel('E-mail').fill('tecnico1@demo.assistec.com.br')
    await page.getByLabel('Senha').fill('assistec-demo')
    await page.getByRole('button', { name: 'Entrar' }).click()
    await page.getByTestId('visit').first().waitFor()
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true))
    await context.setOffline(true)

    const cdp = await context.newCDPSession(page)
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 })
    const app = []
    const blank = []
    for (let i = 0; i < RUNS; i += 1) {
      app.push(await timeIt(page, () => page.goto('/agenda'), () => page.getByTestId('visit').first().waitFor()))
      blank.push(await timeIt(page, () => page.goto('data:text/html,<title>x</title><p>x</p>'), () => page.locator('p').waitFor()))
    }
    const a = median(app)
    const b = median(blank)
    console.log('== PWA: offline reload to a visible agenda, 4× CPU throttling, median of', RUNS, '==')
    console.log(`  agenda ${a.toFixed(0)} ms, blank page ${b.toFixed(0)} ms, ratio ${(a / b).toFixed(1)}×`)
    await office.dispose()
  } finally {
    await context.close()
    backend.stop()
    rmSync(profile, { recursive: true, force: true })
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
