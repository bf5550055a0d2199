import { describe, expect, it } from 'vitest'
import {
  agendaRequest,
  calendarSearch,
  districtOf,
  fetchVisits,
  MAX_PAGES,
  PALETTE,
  parseCalendarSearch,
  technicianColours,
  UNKNOWN_COLOUR,
  visitToEvent,
} from '../../src/office/calendar/events.js'
import { toCalendar } from '../../src/office/calendar/time.js'

const TZ = 'America/Sao_Paulo'
const visit = (over = {}) => ({
  id: 7,
  case_id: 3,
  case: {
    id: 3,
    number: 'AT-2026-00003',
    customer: { id: 1, name: 'Maria Souza', phones: [] },
    service_address: { district: 'Moema', city: 'São Paulo', state: 'SP' },
  },
  assignee: { id: 12, name: 'José' },
  appointment_type: { id: 2, name: 'Vistoria' },
  starts_at: '2026-11-28T09:30:00-03:00',
  ends_at: '2026-11-28T11:00:00-03:00',
  status: 'scheduled',
  status_label: 'Agendado',
  ...over,
})

describe('visits as FullCalendar events', () => {
  const colours = technicianColours([{ id: 15 }, { id: 12 }])

  it('gives each technician a stable colour by id, whatever order the list came in', () => {
    expect(colours.get(12)).toBe(PALETTE[0])
    expect(colours.get(15)).toBe(PALETTE[1])
    expect(technicianColours([{ id: 12 }, { id: 15 }])).toEqual(colours)
    const many = technicianColours(Array.from({ length: PALETTE.length + 1 }, (_, n) => ({ id: n + 1 })))
    expect(many.get(PALETTE.length + 1)).toBe(PALETTE[0]) // the palette wraps around
  })

  it('maps a visit onto the store clock, coloured, titled with case and customer', () => {
    const event = visitToEvent(visit(), TZ, colours)
    expect(event).toMatchObject({
      id: '7',
      title: 'AT-2026-00003 · Maria Souza',
      start: '2026-11-28T09:30:00',
      end: '2026-11-28T11:00:00',
      backgroundColor: PALETTE[0],
      borderColor: PALETTE[0],
      textColor: '#ffffff',
      editable: true,
      classNames: ['visit-scheduled'],
    })
    expect(event.extendedProps.visit.id).toBe(7)
    // The same instant written in UTC lands on the same place.
    expect(visitToEvent(visit({ starts_at: '2026-11-28T12:30:00Z' }), TZ, colours).start).toBe('2026-11-28T09:30:00')
  })

  it('lets only visits not yet started move; an unknown technician gets the neutral colour', () => {
    for (const status of ['in_progress', 'done', 'cancelled']) {
      expect(visitToEvent(visit({ status }), TZ, colours).editable).toBe(false)
    }
    expect(visitToEvent(visit({ status: 'rescheduled' }), TZ, colours).editable).toBe(true)
    expect(visitToEvent(visit({ assignee: { id: 99, name: 'Inativo' } }), TZ, colours).backgroundColor).toBe(UNKNOWN_COLOUR)
  })

  it('names the district of the service address', () => {
    expect(districtOf(visit())).toBe('Moema — São Paulo/SP')
    expect(districtOf(visit({ case: { number: 'X' } }))).toBe('')
  })
})

describe('the agenda requests for the visible range', () => {
  const week = { start: toCalendar('2026-11-22'), end: toCalendar('2026-11-29') }

  it('asks for the whole week, every Tipo de Agenda, live visits, at most 1000 a page', () => {
    expect(agendaRequest(week)).toBe(
      '/api/appointments?calendar_type=all&from=2026-11-22&to=2026-11-28&limit=1000&status=scheduled,confirmed,rescheduled,in_progress,done',
    )
    expect(agendaRequest({ ...week, technician: '12', cancelled: true, cursor: 'abc' })).toBe(
      '/api/appointments?calendar_type=all&from=2026-11-22&to=2026-11-28&limit=1000&assignee=12&cursor=abc',
    )
  })

  it('follows the cursor: one request per page, never per day or technician', async () => {
    const asked = []
    const pages = { '': { items: [visit()], next_cursor: 'p2' }, p2: { items: [visit({ id: 8 })], next_cursor: null } }
    const get = async (path) => {
      asked.push(path)
      return pages[new URLSearchParams(path.split('?')[1]).get('cursor') || '']
    }
    const { visits, complete } = await fetchVisits(get, week)
    expect(visits.map((v) => v.id)).toEqual([7, 8])
    expect(complete).toBe(true)
    expect(asked).toHaveLength(2)
    expect(asked[1]).toContain('cursor=p2')
  })

  it('stops after MAX_PAGES and says the list is incomplete', async () => {
    let calls = 0
    const get = async () => ({ items: [visit({ id: ++calls })], next_cursor: 'more' })
    const { visits, complete } = await fetchVisits(get, week)
    expect(calls).toBe(MAX_PAGES)
    expect(visits).toHaveLength(MAX_PAGES)
    expect(complete).toBe(false)
  })
})

describe('the Agenda URL', () => {
  it('reads the technician, view, day and cancelled flag; drops what it cannot read', () => {
    expect(parseCalendarSearch('?tecnico=12&visao=dia&data=2026-11-28&canceladas=1')).toEqual({
      technician: '12',
      view: 'dia',
      date: '2026-11-28',
      cancelled: true,
    })
    expect(parseCalendarSearch('?visao=mes')).toMatchObject({ view: 'mes' })
    expect(parseCalendarSearch('?tecnico=abc&visao=ano&data=28/11/2026')).toEqual({ technician: '', view: 'semana', date: '', cancelled: false })
  })

  it('writes only what differs from the defaults, in a fixed order', () => {
    expect(calendarSearch({})).toBe('')
    expect(calendarSearch({ date: '2026-11-22', technician: '3' })).toBe('?tecnico=3&data=2026-11-22')
    const state = { technician: '3', view: 'dia', date: '2026-11-28', cancelled: true }
    expect(parseCalendarSearch(calendarSearch(state))).toEqual(state)
    expect(calendarSearch({ view: 'mes' })).toBe('?visao=mes')
  })
})
