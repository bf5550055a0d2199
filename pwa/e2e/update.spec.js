// A new version of the app while the technician is typing: nothing reloads under the form, and
// the draft survives even a reload (issue 6: "Atualização disponível" instead of reloading).
import { appendFileSync } from 'node:fs'
import { expect, logIn, test, visitToday } from './fixtures.js'

test('an update waits for the technician and never reloads under a half-filled form', async ({ backend, office, phone }) => {
  const visit = await visitToday(office)
  const { page } = await phone.launch()
  await logIn(page)
  await page.locator(`a[href="/visita/${visit.id}"]`).click()
  await page.getByRole('link', { name: 'Nova ocorrência' }).click()
  await page.getByLabel('Relato').fill('Meio caminho andado')

  // Publish a new build (a byte-different service worker) and let the browser find it.
  appendFileSync(`${backend.dist}/sw.js`, '\n// nova versão\n')
  await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()))
  const banner = page.getByRole('status').filter({ hasText: 'Atualização disponível' })
  await expect(banner).toBeVisible()

  await banner.getByRole('button', { name: 'Atualizar' }).click()
  await expect(page.getByText('Salve ou cancele o formulário aberto')).toBeVisible()
  await expect(page.getByLabel('Relato')).toHaveValue('Meio caminho andado')

  // Even a reload by hand keeps what was typed: the form is a draft in IndexedDB.
  await page.reload()
  await expect(page.getByLabel('Relato')).toHaveValue('Meio caminho andado')

  // Out of the form, the update applies: the new worker takes over and the page reloads once.
  await page.getByRole('link', { name: 'Agenda', exact: true }).click()
  const before = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)
  expect(before).toBeTruthy()
  const reloaded = page.waitForEvent('load')
  await page.getByRole('status').filter({ hasText: 'Atualização disponível' }).getByRole('button', { name: 'Atualizar' }).click()
  await reloaded
  await expect(page.getByRole('heading', { name: 'Minha agenda' })).toBeVisible()
  await expect(page.getByText('Atualização disponível')).toHaveCount(0)
})
