// Office presentation helpers on top of lib/format.js: documents, days late, the status chip.
import { dayKey, DEFAULT_TZ } from '../lib/format.js'

/** CPF 000.000.000-00 or CNPJ 00.000.000/0000-00 (alphanumeric too: 12.ABC.345/01DE-35) from its
 * characters; anything else as it came. */
export function formatDocument(digits) {
  const d = String(digits || '')
    .replace(/[^0-9A-Za-z]/g, '')
    .toUpperCase()
  if (d.length === 11) return `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6, 9)}-${d.slice(9)}`
  if (d.length === 14) return `${d.slice(0, 2)}.${d.slice(2, 5)}.${d.slice(5, 8)}/${d.slice(8, 12)}-${d.slice(12)}`
  return digits || ''
}

const DAY_MS = 86400000
const dayNumber = (key) => Date.parse(`${key}T00:00:00Z`) / DAY_MS

/**
 * Calendar days from the deadline to today, on the store's calendar: 0 when it fell due today,
 * null when the case is not late (or finished). The API's `overdue` flag decides lateness; this
 * only counts the days.
 */
export function daysLate(kase, now = new Date(), timeZone = DEFAULT_TZ) {
  if (!kase?.overdue || !kase.due_at) return null
  return Math.max(0, dayNumber(dayKey(now.toISOString(), timeZone)) - dayNumber(dayKey(kase.due_at, timeZone)))
}

export function lateLabel(days) {
  if (days == null) return ''
  if (days === 0) return 'Venceu hoje'
  return days === 1 ? '1 dia de atraso' : `${days} dias de atraso`
}

/** The "CEP" field as people type it: 01310-100. */
export function formatCep(digits) {
  const d = String(digits || '').replace(/\D/g, '')
  return d.length === 8 ? `${d.slice(0, 5)}-${d.slice(5)}` : digits || ''
}

/** An item's quantity as the API sends it ("2.500") with its unit: "2,5 un". */
export function formatQuantity(item) {
  return `${String(item.quantity)
    .replace(/\.?0+$/, '')
    .replace('.', ',')} ${item.unit}`
}
