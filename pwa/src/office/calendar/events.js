// The Agenda's data: the URL's query, the agenda API's requests for the visible range, and the
// visits as FullCalendar events coloured per technician. Pure functions (tested in
// test/office/calendar-events.test.js).
import { rangeParams, wallClock } from './time.js'

// Visits whose times and technician may still change (the server's MOVABLE): only these drag.
export const MOVABLE = new Set(['scheduled', 'confirmed', 'rescheduled'])
export const LIVE = ['scheduled', 'confirmed', 'rescheduled', 'in_progress', 'done']
export const PAGE_LIMIT = 1000 // the API's cap for a range between two dates: a week in one answer
export const MAX_PAGES = 2 // 2,000 visits in one view: past that the screen says some are missing

// Dark enough for white text (WCAG AA, ≥ 4.5:1), told apart by hue; a technician's colour follows
// their place in the store's list (by id), so it does not change between visits to the screen.
export const PALETTE = ['#155e75', '#9a3412', '#1d4ed8', '#7e22ce', '#166534', '#be123c', '#854d0e', '#0f766e', '#a21caf', '#475569']
export const UNKNOWN_COLOUR = '#52606d' // a technician no longer in the list (deactivated)

/** technician id → colour. */
export function technicianColours(technicians) {
  const ids = [...new Set(technicians.map((t) => t.id))].sort((a, b) => a - b)
  return new Map(ids.map((id, n) => [id, PALETTE[n % PALETTE.length]]))
}

const isId = (text) => /^\d{1,12}$/.test(text)
const isDay = (text) => /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`))
export const VIEWS = { mes: 'dayGridMonth', semana: 'timeGridWeek', dia: 'timeGridDay' }

/** `?tecnico=3&visao=dia&data=2026-11-28&canceladas=1` → the screen's state; unreadable keys dropped. */
export function parseCalendarSearch(search) {
  const params = new URLSearchParams(search)
  return {
    technician: isId(params.get('tecnico') || '') ? params.get('tecnico') : '',
    view: ['dia', 'mes'].includes(params.get('visao')) ? params.get('visao') : 'semana',
    date: isDay(params.get('data') || '') ? params.get('data') : '',
    cancelled: params.get('canceladas') === '1',
  }
}

export function calendarSearch({ technician = '', view = 'semana', date = '', cancelled = false }) {
  const params = new URLSearchParams()
  if (technician) params.set('tecnico', technician)
  if (view !== 'semana') params.set('visao', view)
  if (date) params.set('data', date)
  if (cancelled) params.set('canceladas', '1')
  const text = params.toString()
  return text ? `?${text}` : ''
}

/** One page of the agenda for the visible range: all technicians, or one. */
export function agendaRequest({ start, end, technician = '', cancelled = false, cursor = null }) {
  const { from, to } = rangeParams(start, end)
  // Every Tipo de Agenda (the case's Agendas tab shows technical assistance only).
  const params = new URLSearchParams({ calendar_type: 'all', from, to, limit: String(PAGE_LIMIT) })
  if (technician) params.set('assignee', technician)
  if (!cancelled) params.set('status', LIVE.join(','))
  if (cursor) params.set('cursor', cursor)
  return `/api/appointments?${params.toString().replace(/%2C/g, ',')}`
}

/** Every visit of the range: one request per 1,000 visits (never one per day or technician). */
export async function fetchVisits(get, range) {
  const visits = []
  let cursor = null
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await get(agendaRequest({ ...range, cursor }))
    visits.push(...answer.items)
    cursor = answer.next_cursor
    if (!cursor) return { visits, complete: true }
  }
  return { visits, complete: false }
}

/** A visit from the API as a FullCalendar event on the store's wall clock. */
export function visitToEvent(visit, timeZone, colours) {
  const colour = colours.get(visit.assignee?.id) || UNKNOWN_COLOUR
  const kase = visit.case || {}
  return {
    id: String(visit.id),
    title: [kase.number, kase.customer?.name].filter(Boolean).join(' · ') || `Visita ${visit.id}`,
    start: wallClock(visit.starts_at, timeZone),
    end: wallClock(visit.ends_at, timeZone),
    backgroundColor: colour,
    borderColor: colour,
    textColor: '#ffffff',
    editable: MOVABLE.has(visit.status),
    classNames: [`visit-${visit.status}`],
    extendedProps: { visit },
  }
}

/** The district (and city) of the visit's service address, for the detail. */
export function districtOf(visit) {
  const address = visit.case?.service_address
  if (!address) return ''
  return [address.district, address.city && `${address.city}/${address.state}`].filter(Boolean).join(' — ')
}
