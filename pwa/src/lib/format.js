// pt-BR presentation: dates as dd/mm/aaaa and times in the store's timezone (never the phone's),
// money as R$, phones and CEPs with their usual punctuation.

const cache = new Map()
function formatter(options) {
  const key = JSON.stringify(options)
  if (!cache.has(key)) cache.set(key, new Intl.DateTimeFormat('pt-BR', options))
  return cache.get(key)
}

export const DEFAULT_TZ = 'America/Sao_Paulo'

export function formatDate(iso, timeZone = DEFAULT_TZ) {
  if (!iso) return ''
  // A bare date (2026-12-01) is a calendar day, not an instant: show it as it is.
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso.split('-').reverse().join('/')
  return formatter({ timeZone, day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(iso))
}

export function formatTime(iso, timeZone = DEFAULT_TZ) {
  if (!iso) return ''
  return formatter({ timeZone, hour: '2-digit', minute: '2-digit' }).format(new Date(iso))
}

export function formatDateTime(iso, timeZone = DEFAULT_TZ) {
  return iso ? `${formatDate(iso, timeZone)} às ${formatTime(iso, timeZone)}` : ''
}

/** The calendar day of an instant in the store's timezone, as 2026-11-28 (sortable). */
export function dayKey(iso, timeZone = DEFAULT_TZ) {
  const parts = formatter({ timeZone, day: '2-digit', month: '2-digit', year: 'numeric' }).formatToParts(new Date(iso))
  const get = (type) => parts.find((p) => p.type === type).value
  return `${get('year')}-${get('month')}-${get('day')}`
}

export function dayTitle(key, timeZone = DEFAULT_TZ, now = new Date()) {
  const today = dayKey(now.toISOString(), timeZone)
  const tomorrow = dayKey(new Date(now.getTime() + 86400000).toISOString(), timeZone)
  const noon = new Date(`${key}T12:00:00Z`)
  const weekday = formatter({ timeZone: 'UTC', weekday: 'long' }).format(noon)
  const label = key === today ? 'Hoje' : key === tomorrow ? 'Amanhã' : weekday[0].toUpperCase() + weekday.slice(1)
  return `${label}, ${key.split('-').reverse().join('/')}`
}

const money = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' })
export function formatMoney(value) {
  return value == null || value === '' ? '' : money.format(Number(value))
}

export function formatPhone(digits = '') {
  const d = String(digits).replace(/\D/g, '')
  if (d.length === 11) return `(${d.slice(0, 2)}) ${d.slice(2, 7)}-${d.slice(7)}`
  if (d.length === 10) return `(${d.slice(0, 2)}) ${d.slice(2, 6)}-${d.slice(6)}`
  return d
}

/** A Brazilian number for tel: and wa.me links (country code 55 unless already there). */
export function internationalPhone(digits = '') {
  const d = String(digits).replace(/\D/g, '')
  return d.length > 11 && d.startsWith('55') ? d : `55${d}`
}

/** A Brazilian mobile number (DDD + 9 + eight digits): the only kind WhatsApp can reach. */
export function isMobilePhone(digits = '') {
  let d = String(digits).replace(/\D/g, '')
  if (d.length === 13 && d.startsWith('55')) d = d.slice(2)
  return d.length === 11 && d[2] === '9'
}

export function formatAddress(a) {
  if (!a) return ''
  const cep = a.cep ? `CEP ${a.cep.slice(0, 5)}-${a.cep.slice(5)}` : ''
  const street = [a.street, a.number].filter(Boolean).join(', ')
  return [street, a.complement, a.district, `${a.city}/${a.state}`, cep].filter(Boolean).join(' — ')
}

/** "2,5" or "129,90" typed on a pt-BR keyboard → "2.5", "129.90" for the API. */
export function decimalForApi(text) {
  const cleaned = String(text ?? '')
    .trim()
    .replace(/\./g, '')
    .replace(',', '.')
  return cleaned === '' ? null : cleaned
}

export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`
}
