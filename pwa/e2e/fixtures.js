// Fixtures: a fresh back end per test, the office's API client, and the technician's browser
// (a persistent Chromium profile, so "close the browser and reopen it" is real).
import { test as base, chromium, expect, request } from '@playwright/test'
import { mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { CHROMIUM, CHROMIUM_ARGS } from '../playwright.config.js'
import { startNetwork } from './network.js'
import { PATHS, startServer } from './server.js'

export const PASSWORD = 'assistec-demo'
export const TECHNICIAN = 'tecnico1@demo.assistec.com.br'
export const SCHEDULER = 'atendimento@demo.assistec.com.br'
export const PHONE = { width: 360, height: 740 }

/** The office, through the REST API (what the scheduler's screens will call). */
async function officeClient(baseURL) {
  const context = await request.newContext({ baseURL })
  const login = await context.post('/api/auth/login', { data: { email: SCHEDULER, password: PASSWORD } })
  expect(login.status()).toBe(200)
  const headers = { 'X-CSRF-Token': (await login.json()).csrf_token }
  const call = async (method, path, data) => {
    const response = await context.fetch(path, { method, data, headers })
    if (!response.ok()) throw new Error(`${method} ${path}: ${response.status()} ${await response.text()}`)
    return response.headers()['content-type']?.includes('json') ? response.json() : response.body()
  }
  return {
    get: (path) => call('GET', path),
    post: (path, data) => call('POST', path, data),
    patch: (path, data) => call('PATCH', path, data),
    raw: (path) => context.get(path),
    dispose: () => context.dispose(),
  }
}

/** Today's date in the store's timezone (the demo store is in São Paulo). */
export function storeToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo' }).format(new Date())
}

/**
 * The demo seeds visits from tomorrow on; the tests need one today. The office schedules it on
 * one of the technician's cases, as a scheduler would.
 */
export async function visitToday(office, { hour = '07:00', endHour = '08:30', unassignedCase = false } = {}) {
  const technicians = await office.get('/api/users?role=technician')
  const technician = technicians.find((u) => u.email === TECHNICIAN)
  const agenda = await office.get(`/api/appointments?assignee=${technician.id}&limit=50`)
  const existing = agenda.items[0]
  let caseId = existing.case_id
  if (unassignedCase) {
    // A case the technician reaches only through this visit: reassigning the visit takes it away.
    const open = await office.get('/api/cases?status=open&limit=100')
    caseId = open.items.find((c) => c.assignee === null).id
  }
  const today = storeToday()
  return office.post(`/api/cases/${caseId}/appointments`, {
    appointment_type_id: existing.appointment_type.id,
    assignee_id: technician.id,
    starts_at: `${today}T${hour}:00`,
    ends_at: `${today}T${endHour}:00`,
    subject: 'Vistoria de hoje',
    allow_overlap: true,
  })
}

export const test = base.extend({
  backend: async ({}, use, testInfo) => {
    const server = await startServer(testInfo.title)
    await use(server)
    server.stop()
    if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('flask.log', { body: server.log() })
  },
  office: async ({ backend }, use) => {
    const office = await officeClient(backend.url)
    await use(office)
    await office.dispose()
  },
  /** The phone's way to the server (see network.js); the office talks to Flask directly. */
  network: async ({ backend }, use) => {
    const network = await startNetwork(backend.url)
    await use(network)
    await network.stop()
  },
  /** launch({offline}) opens the technician's phone browser on one persistent profile. */
  phone: async ({ network }, use, testInfo) => {
    const profile = testInfo.outputPath('profile')
    mkdirSync(profile, { recursive: true })
    let context = null
    const launch = async ({ offline = false } = {}) => {
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        args: CHROMIUM_ARGS,
        headless: true,
        baseURL: network.url,
        viewport: PHONE,
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        locale: 'pt-BR',
        timezoneId: 'America/Sao_Paulo',
        offline,
        serviceWorkers: 'allow',
      })
      const page = context.pages()[0] || (await context.newPage())
      page.on('dialog', (dialog) => dialog.accept()) // "Descartar?" and the like: yes
      return { context, page }
    }
    await use({ launch, close: async () => context && (await context.close()) })
    if (context) await context.close().catch(() => {})
  },
})

export { expect }

export async function logIn(page, email = TECHNICIAN) {
  await page.goto('/login')
  await page.getByLabel('E-mail').fill(email)
  await page.getByLabel('Senha').fill(PASSWORD)
  await expect(page.getByLabel('Manter conectado')).toBeChecked()
  await page.getByRole('button', { name: 'Entrar' }).click()
  await expect(page.getByRole('heading', { name: 'Minha agenda' })).toBeVisible()
  // Offline later needs the app in the service worker's precache: wait until it is active.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true))
  await expect(page.getByTestId('pending-count')).toHaveText('Tudo enviado')
  await expect(page.getByTestId('last-sync')).toContainText('hoje às')
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js')
/** axe-core's critical and serious findings on the current screen (evaluated, so our CSP allows it). */
export async function axeViolations(page) {
  await page.evaluate(readFileSync(axePath, 'utf8'))
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }))
  return result.violations
    .filter((v) => ['critical', 'serious'].includes(v.impact))
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
}

/** The page must fit the phone: no horizontal scrolling, and every control at least 44 px tall. */
export async function layoutProblems(page) {
  return page.evaluate(() => {
    const problems = []
    if (document.documentElement.scrollWidth > window.innerWidth) problems.push(`horizontal scroll: ${document.documentElement.scrollWidth}px`)
    for (const el of document.querySelectorAll('button, a.btn, select, input:not([type=file]):not([type=checkbox]):not([type=radio]), textarea, .topbar a, .syncbar a')) {
      const box = el.getBoundingClientRect()
      if (box.width && box.height < 44) problems.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.name || '').trim().slice(0, 30)}" is ${Math.round(box.height)}px tall`)
    }
    return problems
  })
}

/** A 360×740 screenshot kept as a test artifact (test-results/screenshots/<name>.png). */
export async function screenshot(page, name) {
  const path = `${PATHS.root}/pwa/test-results/screenshots/${name}.png`
  await page.screenshot({ path })
  await test.info().attach(name, { path, contentType: 'image/png' })
}
