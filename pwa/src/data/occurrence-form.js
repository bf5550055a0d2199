// The occurrence form's data, apart from the screen: the empty form, the form from a stored
// mutation (correcting one in Pendências), the mutation's arguments from the form, and the
// checks made before anything is saved. Pure functions, unit-tested in test/occurrence-form.test.js.
import { decimalForApi } from '../lib/format.js'

export const EMPTY = {
  occurrence_type_id: '',
  payer: '',
  supplier_order_number: '',
  room_id: '',
  product_line_id: '',
  status_id: '',
  expected_fix_date: '',
  report: '',
  resolved: '',
  unresolved_reason: '',
  items: [],
  photo_ids: [],
  signature: null,
  signer_name: '',
}

export const newItem = () => ({
  id: crypto.randomUUID(),
  description: '',
  code: '',
  quantity: '1',
  unit: 'un',
  action: 'replace',
  supplier: '',
  unit_cost: '',
  contract_item_id: null,
})

/** The case's contract items as a select's options: "Quarto · RP-204 · Roupeiro 4 portas". */
export const contractItemOptions = (contract) =>
  (contract?.items || []).map((c) => [String(c.id), [c.room?.name, c.code, c.description].filter(Boolean).join(' · ') || `Item ${c.id}`])

/**
 * An item linked to a contract item (by its id as the select gives it), taking that item's code,
 * description and factory; the technician may still edit them. No id: the link alone is cleared.
 */
export function linkContractItem(item, contract, id) {
  const picked = (contract?.items || []).find((c) => String(c.id) === String(id))
  if (!picked) return { ...item, contract_item_id: null }
  return {
    ...item,
    contract_item_id: picked.id,
    code: picked.code || item.code,
    description: picked.description || item.description,
    supplier: picked.supplier?.name || item.supplier,
  }
}

/** The form's state from a stored mutation's arguments (editing in Pendências). */
export function fromArgs(args, blobIds) {
  const text = (v) => (v == null ? '' : String(v))
  return {
    ...EMPTY,
    ...Object.fromEntries(
      Object.keys(EMPTY)
        .filter((k) => k in args)
        .map((k) => [k, typeof EMPTY[k] === 'string' ? text(args[k]) : args[k]]),
    ),
    resolved: args.resolved ? 'yes' : 'no',
    items: (args.items || []).map((i) => ({
      ...newItem(),
      ...i,
      unit_cost: text(i.unit_cost).replace('.', ','),
      quantity: text(i.quantity).replace('.', ','),
    })),
    photo_ids: blobIds,
  }
}

const trimmed = (v) => (v && v.trim() ? v.trim() : null)

/** An item row of the form as the API takes it (the phone's mutation and the office's POST). */
export const itemForApi = (i) => ({
  id: i.id,
  description: i.description.trim(),
  code: trimmed(i.code),
  quantity: decimalForApi(i.quantity),
  unit: trimmed(i.unit) || 'un',
  action: i.action,
  supplier: trimmed(i.supplier),
  unit_cost: decimalForApi(i.unit_cost),
  // Only when linked: the office's item rows, which do not show the link, must not clear it.
  ...(i.contract_item_id != null && i.contract_item_id !== '' ? { contract_item_id: Number(i.contract_item_id) } : {}),
})

const num = (v) => (v === '' || v == null ? null : Number(v))
const RESOLVED = { yes: true, no: false }

/**
 * The occurrence's own fields as the API takes them, from either app's form: the phone's mutation
 * and the office's POST/PATCH. "Resolvido?" unanswered is null (filed undecided); no date, no key.
 */
export function occurrenceFields(form) {
  const fields = {
    occurrence_type_id: num(form.occurrence_type_id),
    payer: form.payer || null,
    supplier_order_number: trimmed(form.supplier_order_number),
    room_id: num(form.room_id),
    product_line_id: num(form.product_line_id),
    status_id: num(form.status_id),
    report: trimmed(form.report),
    resolved: RESOLVED[form.resolved] ?? null,
    unresolved_reason: form.resolved === 'no' ? trimmed(form.unresolved_reason) : null,
  }
  if (form.expected_fix_date) fields.expected_fix_date = form.expected_fix_date
  return fields
}

/** The phone's occurrence mutation arguments: `base` (ids), the fields, its items and photos. */
export function toArgs(form, base) {
  const { expected_fix_date: _dropped, ...kept } = base
  return { ...kept, ...occurrenceFields(form), items: form.items.map(itemForApi), attachment_ids: form.photo_ids }
}

export function validate(form, { withSignature }) {
  const errors = {}
  if (!form.occurrence_type_id) errors.occurrence_type_id = 'Escolha o tipo da ocorrência.'
  if (!form.payer) errors.payer = 'Escolha quem paga (modalidade).'
  if (!form.resolved) errors.resolved = 'Informe se o problema foi resolvido.'
  if (form.resolved === 'no' && !form.unresolved_reason.trim()) errors.unresolved_reason = 'Explique por que não foi resolvido.'
  form.items.forEach((item, n) => {
    if (!item.description.trim() && item.contract_item_id == null) errors[`items.${n}.description`] = 'Descreva o item.'
    const quantity = Number(decimalForApi(item.quantity))
    if (!(quantity > 0)) errors[`items.${n}.quantity`] = 'A quantidade deve ser maior que zero.'
  })
  if (withSignature && form.signature && !form.signer_name.trim()) errors.signer_name = 'Informe o nome de quem assinou.'
  return errors
}

// --- correcting an occurrence the server already has ----------------------------------------

const OCCURRENCE_FIELDS = [
  'occurrence_type_id',
  'payer',
  'supplier_order_number',
  'room_id',
  'product_line_id',
  'status_id',
  'expected_fix_date',
  'report',
  'resolved',
  'unresolved_reason',
]
const ITEM_FIELDS = ['description', 'code', 'quantity', 'unit', 'action', 'supplier', 'unit_cost', 'contract_item_id']

/** "2.500" (the server's decimal) as the form shows it: "2,5"; "129.90" stays "129,90". */
function decimalForForm(value, places) {
  if (value == null || value === '') return ''
  const [whole, fraction = ''] = String(value).split('.')
  const kept = places == null ? fraction.replace(/0+$/, '') : fraction.padEnd(places, '0').slice(0, places)
  return kept ? `${whole},${kept}` : whole
}

/** The form of a synced occurrence (its local row and live items), to correct it. */
export function fromOccurrence(row, items) {
  const text = (v) => (v == null ? '' : String(v))
  return {
    ...EMPTY,
    occurrence_type_id: text(row.occurrence_type?.id),
    payer: text(row.payer),
    supplier_order_number: text(row.supplier_order_number),
    room_id: text(row.room?.id),
    product_line_id: text(row.product_line?.id),
    status_id: text(row.status?.id),
    expected_fix_date: text(row.expected_fix_date),
    report: text(row.report),
    resolved: row.resolved == null ? '' : row.resolved ? 'yes' : 'no', // '': filed undecided by the office
    unresolved_reason: text(row.unresolved_reason),
    items: items.map((i) => ({
      ...newItem(),
      id: i.id,
      description: text(i.description),
      code: text(i.code),
      quantity: decimalForForm(i.quantity),
      unit: text(i.unit) || 'un',
      action: i.action,
      supplier: text(i.supplier),
      unit_cost: decimalForForm(i.unit_cost, 2),
      contract_item_id: i.contract_item_id ?? null,
    })),
  }
}

const same = (a, b) => (a ?? null) === (b ?? null)

/**
 * The mutations that carry a correction from `original` (the form as the occurrence was when
 * the technician started) to `form`: each with the changed fields and `base`, the values they
 * were edited from, so the server keeps what the office changed meanwhile (docs/sync.md).
 * Returns [[name, args], …]; none when nothing changed. New photos are linked by the caller.
 */
export function correction(occurrenceId, original, form) {
  const before = toArgs(original, {})
  const after = toArgs(form, {})
  const mutations = []
  const changed = OCCURRENCE_FIELDS.filter((f) => f in after && !same(after[f], before[f]))
  if (changed.length) {
    const pick = (args) => Object.fromEntries(changed.map((f) => [f, args[f] ?? null]))
    mutations.push(['occurrence.update.v1', { id: occurrenceId, ...pick(after), base: pick(before) }])
  }
  const old = new Map(before.items.map((i) => [i.id, i]))
  for (const item of after.items) {
    const was = old.get(item.id)
    const fields = Object.fromEntries(ITEM_FIELDS.map((f) => [f, item[f] ?? null]))
    // An unlinked item says nothing of the link unless the technician cleared it here.
    if (fields.contract_item_id == null && (!was || was.contract_item_id == null)) delete fields.contract_item_id
    if (!was) {
      mutations.push(['occurrence_item.upsert.v1', { occurrence_id: occurrenceId, id: item.id, ...fields }])
      continue
    }
    const diff = ITEM_FIELDS.filter((f) => !same(item[f], was[f]))
    if (diff.length) {
      const base = Object.fromEntries(diff.map((f) => [f, was[f] ?? null]))
      mutations.push(['occurrence_item.upsert.v1', { occurrence_id: occurrenceId, id: item.id, ...fields, base }])
    }
  }
  const kept = new Set(after.items.map((i) => i.id))
  for (const item of before.items) {
    if (!kept.has(item.id)) mutations.push(['occurrence_item.delete.v1', { occurrence_id: occurrenceId, id: item.id }])
  }
  return mutations
}
