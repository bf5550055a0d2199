// Double-booking (docs/api.md, "Visits (agenda)"): booking or moving a visit onto another live visit of
// the same technician answers 409 problem+json with `type` …/double-booking, a pt-BR `detail` and
// `conflicts` [{id, starts_at, ends_at, case_number, subject}]. The office may confirm the
// "encaixe": the same request again with `allow_overlap: true`.
import { ApiError } from '../../data/api.js'
import { wallClock } from './time.js'

/** The clash in a 409 double-booking error, or null for any other error. */
export function doubleBooking(error) {
  if (!(error instanceof ApiError) || error.status !== 409) return null
  const problem = error.problem || {}
  if (!/\/double-booking$/.test(problem.type || '') && !Array.isArray(problem.conflicts)) return null
  return { detail: problem.detail || error.message, conflicts: Array.isArray(problem.conflicts) ? problem.conflicts : [] }
}

/** "AT-2026-00012, 28/11/2026 das 09:30 às 11:00 (Troca de porta)" for each conflicting visit. */
export function conflictLines(conflict, timeZone) {
  return conflict.conflicts.map((c) => {
    const start = wallClock(c.starts_at, timeZone)
    const end = wallClock(c.ends_at, timeZone)
    const day = start.slice(0, 10).split('-').reverse().join('/')
    const span = `${day} das ${start.slice(11, 16)} às ${end.slice(11, 16)}`
    return [c.case_number, span].filter(Boolean).join(', ') + (c.subject ? ` (${c.subject})` : '')
  })
}

/**
 * Send a booking or a change; on a double-booking, ask `confirmOverlap(conflict)` (a dialog) and,
 * if the office confirms, send it again with `allow_overlap: true`.
 * → {saved} | {saved, overlap: true} | {cancelled: true, conflict}; any other error is thrown.
 */
export async function sendAllowingOverlap(send, body, confirmOverlap) {
  try {
    return { saved: await send(body) }
  } catch (error) {
    const conflict = doubleBooking(error)
    if (!conflict) throw error
    if (!(await confirmOverlap(conflict))) return { cancelled: true, conflict }
    return { saved: await send({ ...body, allow_overlap: true }), overlap: true }
  }
}
