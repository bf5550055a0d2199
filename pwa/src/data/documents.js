// The visit report of the technician's own visit, from the server: its PDF, and an
// e-mail to the customer queued by the server's background job. Both need the signal.
/**
 * Why the report cannot be had now, or null. It is built from the server's records, so it waits
 * for the check-out and everything typed at the visit to reach the server: a report sent to a
 * customer must not miss the occurrence filed a minute ago.
 */
export function reportBlocker(visit, occurrences, online) {
  if (visit.status !== 'done') return 'not-done'
  const unsent = visit._dirty === 1 || occurrences.some((o) => o.appointment_id === visit.id && (o._dirty === 1 || o._local === 1))
  if (unsent) return 'unsent'
  if (!online) return 'offline'
  return null
}

export function reportPdfUrl(visit) {
  return `/api/cases/${visit.case_id}/documents/visit_report.pdf?appointment_id=${visit.id}`
}

/** The server's pre-filled e-mail (recipients, subject, message in pt-BR) for the visit report. */
export async function reportEmailDefaults(api, visit) {
  const options = await api.get(`/api/cases/${visit.case_id}/documents`)
  const report = options.kinds.find((k) => k.kind === 'visit_report')
  return report?.email || { recipients: [], subject: '', message: '' }
}

/** Queue the e-mail (`recipients` parsed); answers the confirmation to show. Empty fields take the server's defaults. */
export async function emailReport(api, visit, { recipients, subject, message }) {
  const body = { appointment_id: visit.id }
  if (recipients?.length) body.recipients = recipients
  if (subject?.trim()) body.subject = subject.trim()
  if (message?.trim()) body.message = message.trim()
  const queued = await api.post(`/api/cases/${visit.case_id}/documents/visit_report/email`, body)
  return `Relatório enviado para a fila de e-mail: ${queued.recipients.join(', ')}.`
}
