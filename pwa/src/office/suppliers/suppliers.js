// Fornecedores' data apart from the screens: the form from a supplier and the API's body from the
// form (e-mails typed comma-separated), and the API's per-e-mail messages at their field.
// Unit-tested in test/office/suppliers.test.js.
export const EMPTY_SUPPLIER = Object.freeze({
  kind: 'factory',
  name: '',
  cnpj: '',
  order_emails: '',
  claim_emails: '',
  phone: '',
  whatsapp: '',
  notes: '',
  active: true,
})

export function supplierForm(supplier) {
  if (!supplier) return { ...EMPTY_SUPPLIER }
  const text = (v) => (v == null ? '' : String(v))
  return {
    kind: supplier.kind || '',
    name: supplier.name,
    cnpj: text(supplier.cnpj),
    order_emails: (supplier.order_emails || []).join(', '),
    claim_emails: (supplier.claim_emails || []).join(', '),
    phone: text(supplier.phone),
    whatsapp: text(supplier.whatsapp),
    notes: text(supplier.notes),
    active: supplier.active !== false,
  }
}

const emails = (text) =>
  String(text || '')
    .split(/[,;\s]+/)
    .map((e) => e.trim())
    .filter(Boolean)
const orNull = (v) => (String(v ?? '').trim() ? String(v).trim() : null)

export function supplierBody(form) {
  return {
    kind: form.kind || null,
    name: form.name.trim(),
    cnpj: orNull(form.cnpj),
    order_emails: emails(form.order_emails),
    claim_emails: emails(form.claim_emails),
    phone: orNull(form.phone),
    whatsapp: orNull(form.whatsapp),
    notes: orNull(form.notes),
    active: form.active,
  }
}

/** The API names each bad e-mail (order_emails.1): show them all at the one field. */
export function supplierErrors(fields) {
  const out = {}
  for (const [path, messages] of Object.entries(fields || {})) {
    const key = path.replace(/^(order_emails|claim_emails)\.\d+$/, '$1')
    out[key] = [...(out[key] || []), ...[].concat(messages)]
  }
  return out
}
