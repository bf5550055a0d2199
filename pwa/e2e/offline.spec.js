// The technician's day with no signal (issue 6, end-to-end 1 and 2).
import { axeViolations, expect, layoutProblems, logIn, test, visitToday } from './fixtures.js'

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
