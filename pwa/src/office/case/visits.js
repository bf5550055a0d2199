// The Agendas tab's data: the new visit's body (start and end are full date-times typed on the
// store's clock — a visit may cross midnight — sent without an offset so the API reads them in the
// store's timezone), the local checks before sending, and the double-booking conflict from a 409.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/

export function emptyVisit(today) {
  return {
    calendar_type: 'technical_assistance',
    status: 'scheduled',
    assignee_id: '',
    appointment_type_id: '',
    room_id: '',
    starts: `${today}T09:00`,
    ends: `${today}T10:00`,
    subject: '',
    notes: '',
  }
}

export function visitErrors(form) {
  const errors = {}
  if (!form.assignee_id) errors.assignee_id = ['Escolha o técnico.']
  if (!form.appointment_type_id) errors.appointment_type_id = ['Escolha o tipo de compromisso.']
  if (!DATE_TIME.test(form.starts || '')) errors.starts_at = ['Informe a data e a hora do início.']
  if (!DATE_TIME.test(form.ends || '')) errors.ends_at = ['Informe a data e a hora do fim.']
  else if (form.starts && form.ends <= form.starts) errors.ends_at = ['O fim deve ser depois do início.']
  return errors
}

export function visitBody(form, allowOverlap = false) {
  const text = (v) => (v && v.trim() ? v.trim() : null)
  const body = {
    calendar_type: form.calendar_type || 'technical_assistance',
    status: form.status || 'scheduled',
    assignee_id: Number(form.assignee_id),
    appointment_type_id: Number(form.appointment_type_id),
    starts_at: `${form.starts}:00`,
    ends_at: `${form.ends}:00`,
    room_id: form.room_id ? Number(form.room_id) : null,
    subject: text(form.subject),
    notes: text(form.notes),
  }
  if (allowOverlap) body.allow_overlap = true
  return body
}

/** The visits a 409 says the technician already has then (empty for any other error). */
export function conflictsOf(error) {
  const problem = error?.problem
  if (error?.status !== 409 || !Array.isArray(problem?.conflicts)) return []
  return problem.conflicts
}

/** Visits in the order the tab lists them: upcoming and past by start time, cancelled ones last. */
export function sortVisits(visits) {
  return [...visits].sort((a, b) => (a.status === 'cancelled') - (b.status === 'cancelled') || a.starts_at.localeCompare(b.starts_at) || a.id - b.id)
}
