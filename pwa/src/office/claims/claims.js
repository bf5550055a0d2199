// Reclamações' data apart from the screens: the factory-paid items a case can claim (one factory
// at a time), money in R$, the acceptance rate, and the answer's body. Unit-tested in
// test/office/claims.test.js.
import { decimalForApi, formatMoney } from '../../lib/format.js'

const CLOSED = 'closed'

/**
 * The case's factory-paid items not under a claim still open, by factory:
 * [{supplier_id, supplier, items: [item]}], items without a factory left out (nobody to claim from).
 */
export function claimableByFactory(occurrences, caseClaims) {
  const taken = new Set((caseClaims || []).filter((c) => c.claim_status !== CLOSED).map((c) => c.occurrence_item_id))
  const groups = new Map()
  for (const occurrence of occurrences || []) {
    if (occurrence.payer !== 'factory') continue
    for (const item of occurrence.items) {
      if (!item.supplier_id || taken.has(item.id)) continue
      if (!groups.has(item.supplier_id)) groups.set(item.supplier_id, { supplier_id: item.supplier_id, supplier: item.supplier, items: [] })
      groups.get(item.supplier_id).items.push(item)
    }
  }
  return [...groups.values()]
}

/** R$ 1.234,56 from the API's "1234.56" ('—' when none). */
export const money = (value) => (value == null || value === '' ? '—' : formatMoney(value))

/** "62,5%" from the API's "0.625" ('—' when none). */
export function percent(rate) {
  if (rate == null) return '—'
  return `${(Number(rate) * 100).toLocaleString('pt-BR', { maximumFractionDigits: 1 })}%`
}

/** The answer form's rows into the API's body: accepted (quantity and amount when typed) or refused. */
export function answersBody(rows) {
  return {
    items: rows.map((row) => {
      if (row.accepted === 'no') return { id: row.id, accepted: false, refusal_reason: row.refusal_reason.trim() || null }
      const body = { id: row.id, accepted: true }
      if (String(row.accepted_quantity).trim()) body.accepted_quantity = decimalForApi(row.accepted_quantity)
      if (String(row.accepted_amount).trim()) body.accepted_amount = decimalForApi(row.accepted_amount)
      return body
    }),
  }
}

/** A day "2026-10-01" as 01/10/2026. */
export const day = (iso) => (iso ? iso.slice(0, 10).split('-').reverse().join('/') : '—')
