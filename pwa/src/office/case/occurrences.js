// The Ocorrências tab's data, apart from the screen: the empty form, the API's body from it (the
// id is made once per form, so a retried "Registrar" after a lost answer is the same record on the
// server), the cost summary's rows, and the photos of an occurrence. Unit-tested in
// test/office/case.test.js.
import { PAYERS } from '../../data/labels.js'
import { itemForApi, newItem as phoneItem, occurrenceFields } from '../../data/occurrence-form.js'

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
    resolved: '', // undecided: an occurrence filed before any visit
    responsible_id: '',
    unresolved_reason: '',
    items: [newItem()],
  }
}

const num = (v) => (v === '' || v == null ? null : Number(v))

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
  return {
    id: form.id,
    ...occurrenceFields(form),
    carrier_id: form.payer === 'carrier' ? num(form.carrier_id) : null,
    responsible_id: num(form.responsible_id),
    items: form.items.filter(typed).map(officeItem),
  }
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
  return Object.entries(PAYERS).map(([payer, label]) => ({ payer, label, value: costs.by_payer?.[payer] ?? '0.00' }))
}

export const photosOf = (occurrence) => (occurrence.attachments || []).filter((a) => a.kind === 'photo')
export const signatureOf = (occurrence) => (occurrence.attachments || []).find((a) => a.kind === 'signature')

const asText = (v) => (v == null ? '' : String(v))
const decimalText = (v) => (v == null || v === '' ? '' : String(Number(v)).replace('.', ','))

/** A stored item as a form row; `order_id` marks it locked (on a parts order). */
export const itemForForm = (i) => ({
  id: i.id,
  description: i.description,
  code: asText(i.code),
  quantity: decimalText(i.quantity),
  unit: i.unit || 'un',
  action: i.action,
  supplier: asText(i.supplier),
  unit_cost: decimalText(i.unit_cost),
  order_id: i.order_id ?? null,
  contract_item_id: i.contract_item_id ?? null, // kept: re-sent as it was when the office edits the item
})

/** A stored occurrence as the form's state (editing from the Ocorrências tab). */
export function occurrenceForForm(o) {
  return {
    id: o.id,
    occurrence_type_id: asText(o.occurrence_type?.id),
    payer: o.payer,
    room_id: asText(o.room?.id),
    product_line_id: asText(o.product_line?.id),
    status_id: asText(o.status?.id),
    supplier_order_number: asText(o.supplier_order_number),
    expected_fix_date: asText(o.expected_fix_date),
    report: asText(o.report),
    resolved: o.resolved == null ? '' : o.resolved ? 'yes' : 'no',
    responsible_id: asText(o.responsible?.id),
    unresolved_reason: asText(o.unresolved_reason),
    items: o.items.map(itemForForm),
  }
}

/**
 * What saving an edited occurrence sends: the occurrence's PATCH, then one request per item that
 * was added, changed or removed (`row` is the form row a refusal belongs to). Items on a parts
 * order are left alone: the form shows them locked.
 */
export function occurrenceEdits(original, form) {
  const { id: _id, items: _items, ...patch } = occurrenceBody(form)
  const base = `/api/occurrences/${original.id}/items`
  const before = new Map(original.items.map((i) => [i.id, i]))
  const typed = (i) => [i.description, i.code, i.supplier, i.unit_cost].some((v) => String(v ?? '').trim())
  const steps = []
  form.items.forEach((item, row) => {
    if (item.order_id) return
    const { id, ...body } = officeItem(item)
    const stored = before.get(id)
    if (!stored) {
      if (typed(item)) steps.push({ method: 'post', path: base, body: { id, ...body }, row })
      return
    }
    const { id: _same, ...was } = officeItem(itemForForm(stored))
    if (JSON.stringify(was) !== JSON.stringify(body)) steps.push({ method: 'patch', path: `${base}/${id}`, body, row })
  })
  for (const id of before.keys()) {
    if (!form.items.some((i) => i.id === id)) steps.push({ method: 'del', path: `${base}/${id}` })
  }
  return { patch, steps }
}

/** The chip of an occurrence's resolution (undecided until someone answers "Resolvido?"). */
export const resolution = (o) => (o.resolved == null ? ['Em aberto', 'chip-open'] : o.resolved ? ['Resolvida', 'chip-done'] : ['Não resolvida', 'chip-pending'])

/** "Minhas": the occurrences whose responsible is `userId`. */
export const mine = (occurrences, userId) => occurrences.filter((o) => userId != null && o.responsible?.id === userId)
