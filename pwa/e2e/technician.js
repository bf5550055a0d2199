// What the technician does on the phone, and what the office must then see exactly once.
import { axeViolations, expect, layoutProblems, screenshot, test } from './fixtures.js'
import { PATHS } from './server.js'

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
    ['1', { description: 'Dobradiça 35 mm com amortecedor', quantity: '2', unit: 'par', action: 'Substituir', cost: '12,90' }],
  ]) {
    await page.getByRole('button', { name: 'Adicionar item' }).click()
    await page.locator(`[name="item-${n}-description"]`).fill(item.description)
    await page.locator(`[name="item-${n}-quantity"]`).fill(item.quantity)
    if (item.unit) await page.locator(`[name="item-${n}-unit"]`).fill(item.unit)
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

export async function expectExactlyOnce(office, visit) {
  const occurrences = await office.get(`/api/cases/${visit.case_id}/occurrences`)
  const mine = (occurrences.items || occurrences).filter((o) => o.appointment_id === visit.id)
  expect(mine).toHaveLength(1)
  const [occurrence] = mine
  expect(occurrence.supplier_order_number).toBe('PF-7781')
  expect(occurrence.resolved).toBe(false)
  expect(occurrence.items.map((i) => [i.description, i.quantity, i.unit, i.unit_cost])).toEqual([
    ['Porta 40x210 MDF branco', '1.000', 'un', null],
    ['Dobradiça 35 mm com amortecedor', '2.000', 'par', '12.90'],
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
