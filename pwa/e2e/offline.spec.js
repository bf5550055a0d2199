// The technician's day with no signal (issue 6, end-to-end 1 and 2).
import { axeViolations, expect, layoutProblems, logIn, screenshot, test, visitToday } from './fixtures.js'
import { expectExactlyOnce, fileOccurrence } from './technician.js'

test('agenda online, then offline after a reload', async ({ backend, office, phone }) => {
  const visit = await visitToday(office)
  const { context, page } = await phone.launch()
  await logIn(page)
  const card = page.locator(`a[href="/visita/${visit.id}"]`)
  await expect(page.getByRole('heading', { name: /^Hoje, / })).toBeVisible()
  await expect(card).toContainText('07:00–08:30')
  await expect(card).toContainText(visit.case.customer.name)
  await expect(card).toContainText(visit.case.service_address.district)
  await expect(card).toContainText('Agendado')

  await context.setOffline(true)
  await page.reload()
  await expect(page.getByRole('heading', { name: 'Minha agenda' })).toBeVisible()
  await expect(card).toBeVisible()
  await expect(page.getByText('Sem conexão')).toBeVisible()
})

test('offline: check in, occurrence with items, photos and signature, check out; reopen; sync once', async ({ backend, office, phone }) => {
  const visit = await visitToday(office)
  let { context, page } = await phone.launch()
  await logIn(page)
  await screenshot(page, 'agenda')
  expect(await layoutProblems(page)).toEqual([])
  expect(await axeViolations(page)).toEqual([])

  await context.setOffline(true)
  await page.reload()
  await page.locator(`a[href="/visita/${visit.id}"]`).click()
  await expect(page.getByRole('heading', { name: visit.case.number })).toBeVisible()
  await page.getByRole('button', { name: 'Iniciar visita (check-in)' }).click()
  await expect(page.locator('.visit-header .chip')).toHaveText('Em andamento')
  await screenshot(page, 'visita')
  expect(await layoutProblems(page)).toEqual([])
  expect(await axeViolations(page)).toEqual([])

  await fileOccurrence(page, backend, { screenshots: true })
  await page.getByRole('button', { name: 'Encerrar visita (check-out)' }).click()
  await expect(page.locator('.visit-header .chip')).toHaveText('Concluído')
  await expect(page.getByTestId('pending-count')).toHaveText('4 pendentes')

  // Close the browser and open it again, still with no signal.
  await phone.close()
  ;({ context, page } = await phone.launch({ offline: true }))
  await page.goto(`/visita/${visit.id}`)
  await expect(page.locator('.visit-header .chip')).toHaveText('Concluído')
  await expect(page.getByTestId('occurrence').filter({ hasText: 'Defeito de fabricação' })).toContainText('Não enviada')
  await expect(page.getByTestId('pending-count')).toHaveText('4 pendentes')
  await page.getByRole('link', { name: 'Pendências' }).click()
  await expect(page.getByTestId('pending')).toHaveCount(4)
  await expect(page.getByTestId('pending').nth(1)).toContainText('2 item(ns), 2 foto(s)')

  await context.setOffline(false)
  await page.getByTestId('sync-button').click()
  await expect(page.getByTestId('pending-count')).toHaveText('Tudo enviado')

  await expectExactlyOnce(office, visit)
})
