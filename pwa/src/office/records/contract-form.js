// Contratos' form from a contract and the API's body from the form. Items keep their `id`, so the
// server edits them in place; a new row has none. Unit-tested in test/office/records.test.js.
import { decimalForApi } from '../../lib/format.js'
import { addressForApi, addressForForm } from '../fields.jsx'

const text = (v) => (v == null ? '' : String(v))
const orNull = (v) => (String(v ?? '').trim() ? String(v).trim() : null)
const idOrNull = (v) => (String(v ?? '').trim() ? Number(v) : null)
const quantityText = (q) =>
  q == null
    ? ''
    : String(q)
        .replace(/\.?0+$/, '')
        .replace('.', ',')

export const ITEM_TEXTS = ['code', 'description', 'finish', 'dimensions', 'factory_order_number', 'invoice_number']
export const ITEM_DATES = ['invoice_date', 'delivery_date', 'installation_date']

let nextKey = 0
export function itemForm(item) {
  return {
    key: `k${++nextKey}`,
    id: item?.id ?? null,
    room_id: text(item?.room?.id),
    supplier_id: text(item?.supplier_id ?? item?.supplier?.id),
    product_line_id: text(item?.product_line?.id),
    ...Object.fromEntries(ITEM_TEXTS.map((k) => [k, text(item?.[k])])),
    quantity: item ? quantityText(item.quantity) : '1',
    ...Object.fromEntries(ITEM_DATES.map((k) => [k, text(item?.[k])])),
  }
}

export function contractForm(contract) {
  return {
    number: text(contract?.number),
    customer: contract?.customer || null,
    delivery_date: text(contract?.delivery_date),
    notes: text(contract?.notes),
    address: addressForForm(contract?.delivery_address),
    items: (contract?.items || []).map(itemForm),
  }
}

export function itemBody(row) {
  const body = {
    room_id: idOrNull(row.room_id),
    supplier_id: idOrNull(row.supplier_id),
    product_line_id: idOrNull(row.product_line_id),
    ...Object.fromEntries(ITEM_TEXTS.map((k) => [k, orNull(row[k])])),
    quantity: decimalForApi(row.quantity),
    ...Object.fromEntries(ITEM_DATES.map((k) => [k, orNull(row[k])])),
  }
  return row.id ? { id: row.id, ...body } : body
}

export function contractBody(form) {
  return {
    number: form.number.trim(),
    customer_id: form.customer?.id ?? null,
    delivery_date: orNull(form.delivery_date),
    notes: orNull(form.notes),
    delivery_address: addressForApi(form.address),
    items: form.items.map(itemBody),
  }
}
