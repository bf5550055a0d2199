// The Documentos tab's data: the chosen layout and visit/order per kind, the PDF's URL, and the
// e-mail's body as the API wants it.

/** The first choices for a kind: its default layout and its first visit or order. */
export function initialChoice(kind) {
  const layout = kind.layouts.find((l) => l.is_default) || kind.layouts[0]
  return { layout: layout ? String(layout.id) : '', target: kind.targets?.[0] ? String(kind.targets[0].id) : '' }
}

export function documentParams(kind, choice) {
  const params = new URLSearchParams()
  if (choice.layout) params.set('layout', choice.layout)
  if (kind.needs && choice.target) params.set(kind.needs, choice.target)
  return params
}

export function pdfUrl(caseId, kind, choice) {
  const query = documentParams(kind, choice).toString()
  return `/api/cases/${caseId}/documents/${kind.kind}.pdf${query ? `?${query}` : ''}`
}

/** Whether the kind can be printed or sent now (a visit report needs a visit, an order an order). */
export const ready = (kind, choice) => !kind.needs || Boolean(choice.target)

/** `email`: the form's {recipients (parsed), subject, message}. */
export function emailBody(kind, choice, email) {
  const body = { ...email }
  if (choice.layout) body.layout = Number(choice.layout)
  if (kind.needs && choice.target) body[kind.needs] = Number(choice.target)
  return body
}

/** How often the e-mails are asked again while one waits in the queue. */
export const POLL_MS = 3000

/** Whether any e-mail is still on its way (queued or being sent): the list then refreshes itself. */
export const stillQueued = (emails) => (emails || []).some((e) => e.status === 'queued' || e.status === 'sending')
