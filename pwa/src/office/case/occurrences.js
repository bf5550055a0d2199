// The Ocorrências tab's data, apart from the screen: the empty form, the API's body from it (the
// id is made once per form, so a retried "Registrar" after a lost answer is the same record on the
// server), the cost summary's rows, and the photos of an occurrence. Unit-tested in
// test/office/case.test.js.
import { itemForApi, newItem as phoneItem } from '../../data/occurrence-form.js'

export const PAYER_OPTIONS = [
  ['store', 'Paga pela Loja'],
  ['factory', 'Paga pela Fábrica'],
  ['customer', 'Paga pelo Cliente'],
  ['carrier', 'Paga pela Transportadora'],
]

export const newItem = phoneItem

export function emptyOccurrence() {
  return {
    id: crypto.randomUUID(),
    occurrence_type_id: '',
    payer: '',
    room_id: '',
    product_line_id: '',
    status_id: '',
    supplier_order_number: '',
    carrier_id: '',
    expected_fix_date: '',
    report: '',
    resolved: 'no',
    unresolved_reason: '',
    items: [newItem()],
  }
}

const num = (v) => (v === '' || v == null ? null : Number(v))
const text = (v) => (v && String(v).trim() ? String(v).trim() : null)

const typed = (i) => [i.description, i.code, i.supplier, i.supplier_id, i.unit_cost].some((v) => String(v ?? '').trim())

/** An item as the office sends it: its supplier picked from the store's (by id); whether a repair
 * or adjustment needs a part (a replacement always does). */
export const officeItem = (i) => ({
  ...itemForApi(i),
  supplier: i.supplier_id ? null : itemForApi(i).supplier,
  supplier_id: num(i.supplier_id),
  needs_part: i.action !== 'replace' && Boolean(i.needs_part),
})

/** POST /api/cases/<id>/occurrences body. Empty item rows (nothing typed) are left out. */
export function occurrenceBody(form) {
  const body = {
    id: form.id,
    occurrence_type_id: num(form.occurrence_type_id),
    payer: form.payer || null,
    room_id: num(form.room_id),
    product_line_id: num(form.product_line_id),
    status_id: num(form.status_id),
    supplier_order_number: text(form.supplier_order_number),
    carrier_id: form.payer === 'carrier' ? num(form.carrier_id) : null,
    report: text(form.report),
    resolved: form.resolved === 'yes',
    unresolved_reason: form.resolved === 'yes' ? null : text(form.unresolved_reason),
    items: form.items.filter(typed).map(officeItem),
  }
  if (form.expected_fix_date) body.expected_fix_date = form.expected_fix_date
  return body
}

/**
 * The API's field paths count the items it received (`items.1.quantity`); the form may hold empty
 * rows that were not sent. Map those paths back to the form's rows.
 */
export function formErrors(form, errors) {
  const rows = form.items.map((i, n) => [i, n]).filter(([i]) => typed(i))
  return Object.fromEntries(
    Object.entries(errors || {}).map(([path, messages]) => {
      const match = /^items\.(\d+)(\..*)?$/.exec(path)
      if (!match || !rows[Number(match[1])]) return [path, messages]
      return [`items.${rows[Number(match[1])][1]}${match[2] || ''}`, messages]
    }),
  )
}

/** The cost summary as table rows (every payer, even at zero) plus the total. */
export function costRows(costs) {
  if (!costs) return []
  return PAYER_OPTIONS.map(([payer, label]) => ({ payer, label, value: costs.by_payer?.[payer] ?? '0.00' }))
}

export const photosOf = (occurrence) => (occurrence.attachments || []).filter((a) => a.kind === 'photo')
export const signatureOf = (occurrence) => (occurrence.attachments || []).find((a) => a.kind === 'signature')
