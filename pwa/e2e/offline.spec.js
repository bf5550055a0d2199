// The technician's day with no signal (issue 6, end-to-end 1 and 2).
import { axeViolations, expect, layoutProblems, logIn, screenshot, test, visitToday } from './fixtures.js'
import { PATHS } from './server.js'

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

/** Draw a signature with the mouse on the signature pad. */
async function sign(page) {
  await page.getByTestId('signature').scrollIntoViewIfNeeded()
  const box = await page.getByTestId('signature').boundingBox()
  await page.mouse.move(box.x + 30, box.y + 120)
  await page.mouse.down()
  for (const [x, y] of [[80, 60], [130, 130], [180, 50], [240, 120], [300, 70]]) await page.mouse.move(box.x + x, box.y + y, { steps: 5 })
  await page.mouse.up()
}

export async function fileOccurrence(page, backend, { screenshots = false } = {}) {
  await page.getByRole('link', { name: 'Nova ocorrência' }).click()
  await expect(page.getByRole('heading', { name: 'Nova ocorrência' })).toBeVisible()
  if (screenshots) {
    await screenshot(page, 'ocorrencia')
    expect(await layoutProblems(page)).toEqual([])
    expect(await axeViolations(page)).toEqual([])
  }
  await page.getByLabel('Tipo de ocorrência').selectOption({ label: 'Defeito de fabricação' })
  await page.getByLabel('Modalidade (quem paga)').selectOption({ label: 'Paga pela Fábrica' })
  await page.getByLabel('Pedido do fornecedor').fill('PF-7781')
  await page.getByLabel('Relato').fill('Porta do roupeiro empenada; dobradiças com folga.')
  await page.getByLabel('Não resolvido').check()
  await page.getByLabel('Motivo de não ter resolvido').fill('Aguardando porta nova da fábrica.')
  for (const [n, item] of [
    ['0', { description: 'Porta 40x210 MDF branco', quantity: '1', action: 'Substituir' }],
    ['1', { description: 'Dobradiça 35 mm com amortecedor', quantity: '4', action: 'Substituir', cost: '12,90' }],
  ]) {
    await page.getByRole('button', { name: 'Adicionar item' }).click()
    await page.locator(`[name="item-${n}-description"]`).fill(item.description)
    await page.locator(`[name="item-${n}-quantity"]`).fill(item.quantity)
    await page.locator(`[name="item-${n}-action"]`).selectOption({ label: item.action })
    if (item.cost) await page.locator(`[name="item-${n}-unit_cost"]`).fill(item.cost)
  }
  await page.locator('input[name="photos"]').setInputFiles([`${PATHS.work}/photo1.jpg`, `${PATHS.work}/photo2.jpg`])
  await expect(page.getByRole('img', { name: /^Foto \d$/ })).toHaveCount(2)
  await sign(page)
  await page.getByLabel('Nome de quem assinou').fill('Patrícia Cliente')
  await page.getByRole('button', { name: 'Salvar ocorrência' }).click()
  await expect(page.getByRole('heading', { name: 'Situação Alegada' })).toBeVisible()
  await expect(page.getByTestId('occurrence').filter({ hasText: 'Defeito de fabricação' })).toContainText('Não enviada')
}

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

export async function expectExactlyOnce(office, visit) {
  const occurrences = await office.get(`/api/cases/${visit.case_id}/occurrences`)
  const mine = (occurrences.items || occurrences).filter((o) => o.appointment_id === visit.id)
  expect(mine).toHaveLength(1)
  const [occurrence] = mine
  expect(occurrence.supplier_order_number).toBe('PF-7781')
  expect(occurrence.resolved).toBe(false)
  expect(occurrence.items.map((i) => [i.description, i.quantity])).toEqual([
    ['Porta 40x210 MDF branco', '1.000'],
    ['Dobradiça 35 mm com amortecedor', '4.000'],
  ])
  const photos = occurrence.attachments.filter((a) => a.kind === 'photo')
  const signatures = occurrence.attachments.filter((a) => a.kind === 'signature')
  expect(photos).toHaveLength(2)
  expect(signatures).toHaveLength(1)
  expect(signatures[0].signer_name).toBe('Patrícia Cliente')
  for (const photo of photos) {
    expect(Math.max(photo.width, photo.height)).toBeLessThanOrEqual(1600)
    const bytes = await (await office.raw(`/api/attachments/${photo.id}`)).body()
    expect(bytes.includes('Exif')).toBe(false)
    expect(bytes.includes('AssistecTestCam')).toBe(false)
  }
  const after = await office.get(`/api/appointments/${visit.id}`)
  expect(after.status).toBe('done')
  expect(after.checked_in_at).toBeTruthy()
  expect(after.checked_out_at).toBeTruthy()
}
