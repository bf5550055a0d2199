// Two tabs of the app on one phone: one IndexedDB, one outbox, and one sync at a time (Web Locks).
import { expect, logIn, test, visitToday } from './fixtures.js'

test('two tabs coming back online push the outbox once', async ({ network, office, phone }) => {
  const visit = await visitToday(office)
  const { context, page } = await phone.launch()
  await logIn(page)
  const second = await context.newPage()
  await second.goto(`/visita/${visit.id}`)
  await expect(second.getByRole('heading', { name: visit.case.number })).toBeVisible()

  await context.setOffline(true)
  await second.getByRole('button', { name: 'Iniciar visita (check-in)' }).click()
  // The other tab sees the change at once: same database.
  await expect(page.getByTestId('pending-count')).toHaveText('1 pendente')

  // Both tabs get `online` and start a sync; the lock makes the second find an empty outbox.
  await context.setOffline(false)
  await expect(page.getByTestId('pending-count')).toHaveText('Tudo enviado')
  await expect(second.getByTestId('pending-count')).toHaveText('Tudo enviado')
  await expect.poll(() => network.count('POST /api/sync/pull')).toBeGreaterThanOrEqual(3)
  expect(network.count('POST /api/sync/push')).toBe(1)
  expect((await office.get(`/api/appointments/${visit.id}`)).status).toBe('in_progress')
})
