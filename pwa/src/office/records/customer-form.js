// Clientes' form from a customer and the API's PATCH body from the form (phones typed
// comma-separated). Unit-tested in test/office/records.test.js.
import { addressForApi, addressForForm } from '../fields.jsx'

const text = (v) => (v == null ? '' : String(v))
const orNull = (v) => (String(v ?? '').trim() ? String(v).trim() : null)

export function customerForm(customer) {
  return {
    name: text(customer?.name),
    document: text(customer?.document),
    phones: (customer?.phones || []).join(', '),
    email: text(customer?.email),
    notes: text(customer?.notes),
    address: addressForForm(customer?.address),
  }
}

export function customerBody(form) {
  return {
    name: form.name.trim(),
    document: orNull(form.document),
    phones: form.phones
      .split(/[,;/]+/)
      .map((p) => p.trim())
      .filter(Boolean),
    email: orNull(form.email),
    notes: orNull(form.notes),
    address: addressForApi(form.address),
  }
}

/** The API names each bad phone (phones.1): show them at the one field. */
export function customerErrors(fields) {
  const out = {}
  for (const [path, messages] of Object.entries(fields || {})) {
    const key = path.replace(/^phones\.\d+$/, 'phones')
    out[key] = [...(out[key] || []), ...[].concat(messages)]
  }
  return out
}
