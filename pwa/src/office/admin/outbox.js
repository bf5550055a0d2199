// E-mails enviados: the .eml files' Date header (RFC 5322: "Sat, 28 Nov 2026 23:10:00 +0000")
// shown in the store's time zone.
import { formatDateTime } from '../../lib/format.js'

export function mailDate(header, timeZone) {
  const time = Date.parse(header || '')
  return Number.isNaN(time) ? header || '' : formatDateTime(new Date(time).toISOString(), timeZone)
}
