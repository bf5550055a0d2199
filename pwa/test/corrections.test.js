// No silent overwrite on the phone (docs/sync.md): the technician's own visit note, corrections
// of a synced occurrence carrying the values they were edited from, and local save errors.
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../src/data/db.js'
import { isQuotaError, QUOTA_MESSAGE, record, saveErrorMessage } from '../src/data/mutations.js'
import { correction, fromOccurrence } from '../src/data/occurrence-form.js'

let counter = 0
const VISIT = { id: 7, case_id: 3, status: 'in_progress', notes: 'Levar dobradiças.', technician_notes: null }
const OCCURRENCE = {
  id: 'o1',
  case_id: 3,
  appointment_id: 7,
  occurrence_type: { id: 5, name: 'Porta' },
  payer: 'factory',
  payer_label: 'Paga pela Fábrica',
  supplier_order_number: null,
  room: null,
  product_line: null,
  status: null,
  expected_fix_date: '2026-12-20',
  report: 'Porta empenada.',
  resolved: false,
  unresolved_reason: 'Precisa trocar.',
}
const ITEM = {
  id: 'i1',
  occurrence_id: 'o1',
  description: 'Dobradiça 35mm',
  code: null,
  quantity: '2.000',
  unit: 'un',
  action: 'replace',
  supplier: null,
  unit_cost: '12.50',
}

async function setup() {
  const db = openDatabase(`corrections-${++counter}`)
  await db.appointments.put(VISIT)
  await db.occurrences.put(OCCURRENCE)
  await db.occurrence_items.put(ITEM)
  return db
}

describe("the technician's visit note", () => {
  it('is its own field: the office instructions stay as the server sent them', async () => {
    const db = await setup()
    await record(db, 'appointment.technician_notes.v1', { appointment_id: 7, notes: 'Cliente sai às 16h.', base: null })
    const visit = await db.appointments.get(7)
    expect(visit.technician_notes).toBe('Cliente sai às 16h.')
    expect(visit.notes).toBe('Levar dobradiças.')
    expect(visit._server.technician_notes).toBe(null) // restored at the next pull, then re-applied
  })

  it("an old app's pending appointment.notes.v1 shows as the technician's note too", async () => {
    const db = await setup()
    await record(db, 'appointment.notes.v1', { appointment_id: 7, notes: 'Antiga.' })
    const visit = await db.appointments.get(7)
    expect([visit.notes, visit.technician_notes]).toEqual(['Levar dobradiças.', 'Antiga.'])
  })
})

describe('correcting a synced occurrence', () => {
  const original = fromOccurrence(OCCURRENCE, [ITEM])

  it('starts from the occurrence as the server has it (decimals as the form shows them)', () => {
    expect(original).toMatchObject({ occurrence_type_id: '5', payer: 'factory', report: 'Porta empenada.', resolved: 'no', expected_fix_date: '2026-12-20' })
    expect(original.items[0]).toMatchObject({ id: 'i1', quantity: '2', unit_cost: '12,50' })
  })

  it('sends only what changed, each with the value it was edited from', () => {
    const form = {
      ...original,
      report: 'Porta empenada e riscada.',
      supplier_order_number: 'PF-77',
      items: [
        { ...original.items[0], quantity: '3' },
        { id: 'i2', description: 'Puxador', code: '', quantity: '1', unit: 'un', action: 'replace', supplier: '', unit_cost: '' },
      ],
    }
    expect(correction('o1', original, form)).toEqual([
      [
        'occurrence.update.v1',
        { id: 'o1', supplier_order_number: 'PF-77', report: 'Porta empenada e riscada.', base: { supplier_order_number: null, report: 'Porta empenada.' } },
      ],
      [
        'occurrence_item.upsert.v1',
        {
          occurrence_id: 'o1',
          id: 'i1',
          description: 'Dobradiça 35mm',
          code: null,
          quantity: '3',
          unit: 'un',
          action: 'replace',
          supplier: null,
          unit_cost: '12.50',
          base: { quantity: '2' },
        },
      ],
      [
        'occurrence_item.upsert.v1',
        { occurrence_id: 'o1', id: 'i2', description: 'Puxador', code: null, quantity: '1', unit: 'un', action: 'replace', supplier: null, unit_cost: null },
      ],
    ])
  })

  it('removes an item taken out of the form, and sends nothing when nothing changed', () => {
    expect(correction('o1', original, { ...original, items: [] })).toEqual([['occurrence_item.delete.v1', { occurrence_id: 'o1', id: 'i1' }]])
    expect(correction('o1', original, { ...original })).toEqual([])
  })

  it('shows the correction at once, and keeps `base` out of the local rows', async () => {
    const db = await setup()
    const form = { ...original, report: 'Riscada.', items: [{ ...original.items[0], quantity: '3' }] }
    for (const [name, args] of correction('o1', original, form)) await record(db, name, args)
    const occurrence = await db.occurrences.get('o1')
    const item = await db.occurrence_items.get('i1')
    expect(occurrence.report).toBe('Riscada.')
    expect(item.quantity).toBe('3')
    expect('base' in occurrence || 'base' in item).toBe(false)
    expect(occurrence._server.report).toBe('Porta empenada.')
    expect(await db.outbox.count()).toBe(2)
  })
})

describe('save errors', () => {
  it('recognises running out of space, however Dexie wraps it', () => {
    const quota = Object.assign(new Error('full'), { name: 'QuotaExceededError' })
    expect(isQuotaError(quota)).toBe(true)
    expect(isQuotaError(Object.assign(new Error('aborted'), { name: 'AbortError', inner: quota }))).toBe(true)
    expect(isQuotaError(new Error('other'))).toBe(false)
  })

  it('says what to do, and that the form is kept', () => {
    const quota = Object.assign(new Error('full'), { name: 'QuotaExceededError' })
    expect(saveErrorMessage(quota)).toBe(QUOTA_MESSAGE)
    expect(QUOTA_MESSAGE).toBe('Sem espaço no aparelho: libere espaço (fotos, vídeos, apps) e toque em Salvar de novo. Nada foi perdido do formulário.')
    expect(saveErrorMessage(new Error('Database closed'))).toMatch(/^Não foi possível salvar no aparelho \(Database closed\)\..*continua aqui\.$/)
  })

  it('a failed save writes neither the record nor the outbox entry', async () => {
    const db = await setup()
    const full = Object.assign(new Error('full'), { name: 'QuotaExceededError' })
    db.outbox.hook('creating', () => {
      throw full
    })
    const error = await record(db, 'appointment.technician_notes.v1', { appointment_id: 7, notes: 'X', base: null }).catch((e) => e)
    expect(isQuotaError(error)).toBe(true)
    expect((await db.appointments.get(7)).technician_notes).toBe(null)
    expect(await db.outbox.count()).toBe(0)
  })
})
