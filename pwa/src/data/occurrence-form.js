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

export const newItem = () => ({ id: crypto.randomUUID(), description: '', code: '', quantity: '1', unit: 'un', action: 'replace', supplier: '', unit_cost: '' })

/** The form's state from a stored mutation's arguments (editing in Pendências). */
export function fromArgs(args, blobIds) {
  const text = (v) => (v == null ? '' : String(v))
  return {
    ...EMPTY,
    ...Object.fromEntries(Object.keys(EMPTY).filter((k) => k in args).map((k) => [k, typeof EMPTY[k] === 'string' ? text(args[k]) : args[k]])),
    resolved: args.resolved ? 'yes' : 'no',
    items: (args.items || []).map((i) => ({ ...newItem(), ...i, unit_cost: text(i.unit_cost).replace('.', ','), quantity: text(i.quantity).replace('.', ',') })),
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
})

export function toArgs(form, base) {
  const num = (v) => (v === '' || v == null ? null : Number(v))
  const args = {
    ...base,
    occurrence_type_id: num(form.occurrence_type_id),
    payer: form.payer,
    supplier_order_number: trimmed(form.supplier_order_number),
    room_id: num(form.room_id),
    product_line_id: num(form.product_line_id),
    status_id: num(form.status_id),
    report: trimmed(form.report),
    resolved: form.resolved === 'yes',
    unresolved_reason: form.resolved === 'yes' ? null : trimmed(form.unresolved_reason),
    items: form.items.map(itemForApi),
    attachment_ids: form.photo_ids,
  }
  if (form.expected_fix_date) args.expected_fix_date = form.expected_fix_date
  else delete args.expected_fix_date
  return args
}

export function validate(form, { withSignature }) {
  const errors = {}
  if (!form.occurrence_type_id) errors.occurrence_type_id = 'Escolha o tipo da ocorrência.'
  if (!form.payer) errors.payer = 'Escolha quem paga (modalidade).'
  if (!form.resolved) errors.resolved = 'Informe se o problema foi resolvido.'
  if (form.resolved === 'no' && !form.unresolved_reason.trim()) errors.unresolved_reason = 'Explique por que não foi resolvido.'
  form.items.forEach((item, n) => {
    if (!item.description.trim()) errors[`items.${n}.description`] = 'Descreva o item.'
    const quantity = Number(decimalForApi(item.quantity))
    if (!(quantity > 0)) errors[`items.${n}.quantity`] = 'A quantidade deve ser maior que zero.'
  })
  if (withSignature && form.signature && !form.signer_name.trim()) errors.signer_name = 'Informe o nome de quem assinou.'
  return errors
}
