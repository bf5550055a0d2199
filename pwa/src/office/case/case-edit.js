// Editing the case (Dados): only the fields that changed go in the PATCH, and the status moves the
// server allows (server/cases/service.py TRANSITIONS) are the ones offered, each with a reason.
import { addressForApi, addressForForm } from '../fields.jsx'
import { STATUSES } from '../filters.js'

export const CASE_MOVES = {
  open: ['scheduled', 'in_service', 'cancelled'],
  scheduled: ['open', 'in_service', 'pending', 'cancelled'],
  in_service: ['scheduled', 'pending', 'closed', 'cancelled'],
  pending: ['scheduled', 'in_service', 'closed', 'cancelled'],
  closed: ['pending'],
  cancelled: ['open'],
}
const NAMES = Object.fromEntries(STATUSES)

/** [value, label] of the statuses the case can move to by hand. */
export const statusChoices = (status) => (CASE_MOVES[status] || []).map((value) => [value, NAMES[value]])

export function editForm(kase) {
  return {
    reported_issue: kase.reported_issue || '',
    access_notes: kase.access_notes || '',
    service_address: addressForForm(kase.service_address),
    assignee_id: kase.assignee && kase.assignee_chosen ? String(kase.assignee.id) : '', // '': the visits'
  }
}

const sameAddress = (a, b) => JSON.stringify(addressForApi(a)) === JSON.stringify(addressForApi(b))

/** The PATCH body: the fields that differ from the case (empty when nothing changed). */
export function caseChanges(kase, form) {
  const before = editForm(kase)
  const body = {}
  if (form.reported_issue.trim() !== before.reported_issue.trim()) body.reported_issue = form.reported_issue.trim()
  if (form.access_notes.trim() !== before.access_notes.trim()) body.access_notes = form.access_notes.trim() || null
  if (!sameAddress(form.service_address, before.service_address)) body.service_address = addressForApi(form.service_address)
  if (form.assignee_id !== before.assignee_id) body.assignee_id = form.assignee_id ? Number(form.assignee_id) : null
  return body
}

/** A status change: cancelling has its own endpoint; closing with open orders needs `force`. */
export function statusRequest(caseId, status, reason, force = false) {
  if (status === 'cancelled') return { method: 'post', path: `/api/cases/${caseId}/cancel`, body: { reason: reason.trim() } }
  const body = { status, status_reason: reason.trim() }
  if (force) body.force = true
  return { method: 'patch', path: `/api/cases/${caseId}`, body }
}

/** The 409 the server answers when closing a case with parts orders still open. */
export const needsForce = (error) => error?.status === 409 && /open-orders$/.test(error.problem?.type || '')
