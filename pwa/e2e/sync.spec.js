// Sync under a bad network and office changes while the phone is offline (issue 6, e2e 3–5).
import { axeViolations, expect, layoutProblems, logIn, screenshot, test, visitToday } from './fixtures.js'
import { expectExactlyOnce, fileOccurrence } from './technician.js'

async function offlineVisit(page, context, visit, backend) {
  await context.setOffline(true)
  await page.locator(`a[href="/visita/${visit.id}"]`).click()
  await page.getByRole('button', { name: 'Iniciar visita (check-in)' }).click()
  await fileOccurrence(page, backend)
  await page.getByRole('button', { name: 'Encerrar visita (check-out)' }).click()
  await expect(page.getByTestId('pending-count')).toHaveText('4 pendentes')
}

test('503 on the first push, connection dropped after the second is applied: still exactly once', async ({ backend, network, office, phone }) => {
  const visit = await visitToday(office)
  const { context, page } = await phone.launch()
  await logIn(page)
  await offlineVisit(page, context, visit, backend)

  network.fail('POST', '/api/sync/push', 'status503')
  network.fail('POST', '/api/sync/push', 'dropAfterServer')
  // Back online: the `online` event starts a sync (503), and the engine retries by itself after
  // Retry-After (1 s): that push is applied by the server but its answer is lost.
  await context.setOffline(false)
  await expect.poll(() => network.count('POST /api/sync/push'), { timeout: 20_000 }).toBe(2)
  await expect(page.getByTestId('pending-count')).toHaveText('4 pendentes')
  await page.getByTestId('sync-button').click()
  await expect(page.getByTestId('pending-count')).toHaveText('Tudo enviado')
  expect(network.count('POST /api/sync/push')).toBe(3)
  await expectExactlyOnce(office, visit)
})

test('a visit cancelled while the phone is offline: its occurrence is never silently gone', async ({ backend, office, phone }) => {
  const visit = await visitToday(office)
  const { context, page } = await phone.launch()
  await logIn(page)
  await context.setOffline(true)
  await page.locator(`a[href="/visita/${visit.id}"]`).click()
  await fileOccurrence(page, backend)

  await office.post(`/api/appointments/${visit.id}/cancel`, { reason: 'Cliente viajou' })
  await context.setOffline(false)
  await page.getByTestId('sync-button').click()
  await expect(page.getByTestId('last-sync')).toContainText('hoje às')
  await expect(page.getByTestId('pending-count')).toHaveText('Tudo enviado')

  const answer = await office.get(`/api/cases/${visit.case_id}/occurrences`)
  const onServer = answer.items || answer
  const filed = onServer.filter((o) => o.supplier_order_number === 'PF-7781')
  if (filed.length === 0) {
    // Refused: the technician sees it, with the server's reason, and can still act on it.
    await page.getByRole('link', { name: 'Pendências' }).first().click()
    const rejection = page.getByTestId('rejection')
    await expect(rejection).toHaveCount(1)
    await expect(rejection).toContainText('2 item(ns), 2 foto(s)')
    await expect(rejection.locator('.notice-error')).not.toBeEmpty()
    await expect(rejection.getByRole('link', { name: 'Corrigir e reenviar' })).toBeVisible()
  } else {
    expect(filed).toHaveLength(1)
  }
})

test('a visit rescheduled by the office shows its new time after the next sync', async ({ office, phone }) => {
  const visit = await visitToday(office)
  const { page } = await phone.launch()
  await logIn(page)
  const card = page.locator(`a[href="/visita/${visit.id}"]`)
  await expect(card).toContainText('07:00–08:30')

  const day = visit.starts_at.slice(0, 10)
  await office.patch(`/api/appointments/${visit.id}`, {
    appointment_type_id: visit.appointment_type.id,
    assignee_id: visit.assignee.id,
    starts_at: `${day}T18:15:00`,
    ends_at: `${day}T19:45:00`,
    allow_overlap: true,
  })
  await page.getByTestId('sync-button').click()
  await expect(card).toContainText('18:15–19:45')
  await expect(card).toContainText('Reagendado')
})

test('a visit reassigned while offline: the refused occurrence waits in Pendências until the technician decides', async ({ backend, office, phone }) => {
  const visit = await visitToday(office, { unassignedCase: true })
  const { context, page } = await phone.launch()
  await logIn(page)
  await context.setOffline(true)
  await page.locator(`a[href="/visita/${visit.id}"]`).click()
  await fileOccurrence(page, backend)

  const technicians = await office.get('/api/users?role=technician')
  const other = technicians.find((u) => u.id !== visit.assignee.id)
  await office.patch(`/api/appointments/${visit.id}`, {
    appointment_type_id: visit.appointment_type.id,
    assignee_id: other.id,
    starts_at: visit.starts_at,
    ends_at: visit.ends_at,
    allow_overlap: true,
  })
  await context.setOffline(false)
  await page.getByTestId('sync-button').click()
  await expect(page.getByTestId('rejected-count')).toHaveText(/recusad/)
  await expect(page.locator(`a[href="/visita/${visit.id}"]`)).toHaveCount(0) // left the agenda

  await page.getByRole('link', { name: 'Pendências' }).first().click()
  const rejected = page.getByTestId('rejection').filter({ hasText: 'Nova ocorrência' })
  await expect(rejected).toContainText('2 item(ns), 2 foto(s)')
  await expect(rejected.locator('.notice-error')).not.toBeEmpty()
  await screenshot(page, 'pendencias')
  expect(await layoutProblems(page)).toEqual([])
  expect(await axeViolations(page)).toEqual([])
  await rejected.getByRole('link', { name: 'Corrigir e reenviar' }).click()
  await expect(page.getByText(/O servidor recusou:/)).toBeVisible()
  await expect(page.getByLabel('Pedido do fornecedor')).toHaveValue('PF-7781')
  await expect(page.getByLabel('Relato')).toHaveValue('Porta do roupeiro empenada; dobradiças com folga.')
  await page.getByRole('link', { name: 'Pendências' }).first().click()

  // Only an explicit choice removes it.
  await page.reload()
  await expect(page.getByTestId('rejection')).not.toHaveCount(0)
  const count = await page.getByTestId('rejection').count()
  await rejected.getByRole('button', { name: 'Descartar' }).click()
  await expect(page.getByTestId('rejection')).toHaveCount(count - 1)
})

test('an expired session keeps everything, asks to log in again, then sends it', async ({ backend, office, phone }) => {
  const visit = await visitToday(office)
  const { context, page } = await phone.launch()
  await logIn(page)
  await context.setOffline(true)
  await page.locator(`a[href="/visita/${visit.id}"]`).click()
  await page.getByRole('button', { name: 'Iniciar visita (check-in)' }).click()
  await expect(page.getByTestId('pending-count')).toHaveText('1 pendente')

  await context.clearCookies() // the session is gone (expired, or ended on the server)
  await context.setOffline(false)
  await page.getByTestId('sync-button').click()
  const banner = page.getByRole('alert').filter({ hasText: 'Sua sessão expirou' })
  await expect(banner).toBeVisible()
  await expect(page.getByTestId('pending-count')).toHaveText('1 pendente')

  await banner.getByRole('link', { name: 'Entrar' }).click()
  await expect(page.getByLabel('E-mail')).toHaveValue('tecnico1@demo.assistec.com.br')
  await screenshot(page, 'login')
  expect(await layoutProblems(page)).toEqual([])
  expect(await axeViolations(page)).toEqual([])
  await page.getByLabel('Senha').fill('assistec-demo')
  await page.getByRole('button', { name: 'Entrar' }).click()
  await expect(page.getByRole('heading', { name: 'Pendências' })).toBeVisible()
  await expect(page.getByTestId('pending-count')).toHaveText('Tudo enviado')
  expect((await office.get(`/api/appointments/${visit.id}`)).status).toBe('in_progress')
})
