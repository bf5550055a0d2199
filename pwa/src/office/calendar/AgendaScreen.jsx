// Agenda (the office's calendar): every technician's visits of the store in month, week and day views
// (FullCalendar's MIT packages; the premium resource views are not used), one colour per
// technician, the technician filter, view and week kept in the URL. Select a slot to book a
// visit, drag or resize to move it, open it for its detail and notifications; moving it to another
// technician is in the detail ("Transferir para…") or by dropping it on the technician's chip.
import './fc-styles.js' // first: FullCalendar's styles under our CSP
import { Calendar } from '@fullcalendar/core'
import ptBrLocale from '@fullcalendar/core/locales/pt-br'
import dayGridPlugin from '@fullcalendar/daygrid'
import interactionPlugin from '@fullcalendar/interaction'
import timeGridPlugin from '@fullcalendar/timegrid'
import { useEffect, useRef, useState } from 'preact/hooks'
import { problemOf } from '../../data/problem.js'
import { setSearch } from '../../lib/router.js'
import { calendarApi } from './api.js'
import './calendar.css'
import { sendAllowingOverlap } from './conflict.js'
import { ConflictDialog } from './ConflictDialog.jsx'
import { calendarSearch, fetchVisits, parseCalendarSearch, technicianColours, VIEWS, visitToEvent } from './events.js'
import { NewVisitDialog } from './NewVisitDialog.jsx'
import { addMinutes, dayOf, fromCalendar, spanLabel, storeNow, toCalendar, wallClock } from './time.js'
import { VisitDialog } from './VisitDialog.jsx'

const FIRST_SLOT_MINUTES = 8 * 60 // 08:00: a day picked in the month view opens the form there
const VIEW_NAMES = Object.fromEntries(Object.entries(VIEWS).map(([name, view]) => [view, name]))

function useList(path) {
  const [list, setList] = useState(null)
  useEffect(() => {
    calendarApi.get(path).then(setList, () => setList([]))
  }, [path])
  return list
}

/** The next whole hour on the store's clock (today), for "Nova visita" without a selected slot. */
function nextSlot(timeZone) {
  const now = toCalendar(storeNow(timeZone))
  const start = new Date(Math.ceil(now.getTime() / 3600000) * 3600000)
  return { start, end: addMinutes(start, 90) }
}

export function AgendaScreen({ search, timeZone }) {
  const filters = parseCalendarSearch(search)
  const technicians = useList('/api/users?role=technician')
  const types = useList('/api/catalogs/appointment_types')
  const rooms = useList('/api/catalogs/rooms')
  const colours = technicianColours(technicians || [])
  const host = useRef(null)
  const calendar = useRef(null)
  const live = useRef(null)
  live.current = { filters, colours, timeZone, search }

  const [status, setStatus] = useState({ loading: true, error: '', count: 0, complete: true })
  const [said, say] = useState('')
  const [draft, setDraft] = useState(null) // {start, end}: the "Nova visita" dialog
  const [detail, setDetail] = useState(null) // the visit whose detail is open
  const [clash, setClash] = useState(null) // {conflict, resolve}: the double-booking dialog

  useEffect(() => {
    document.title = 'Agenda — Assistec'
  }, [])

  const confirmOverlap = (conflict) => new Promise((resolve) => setClash({ conflict, resolve }))

  /** Put the server's copy of a visit on the calendar (or take it off, when the filter hides it now). */
  function showSaved(visit) {
    const cal = calendar.current
    if (!cal) return // the Agenda was left while the request ran
    cal.getEventById(String(visit.id))?.remove()
    const { filters: f, colours: c, timeZone: tz } = live.current
    const hidden = (f.technician && String(visit.assignee.id) !== f.technician) || (!f.cancelled && visit.status === 'cancelled')
    if (!hidden) cal.addEvent(visitToEvent(visit, tz, c), cal.getEventSources()[0])
  }

  async function change(visit, body, revert, verb) {
    try {
      const result = await sendAllowingOverlap((b) => calendarApi.patch(`/api/appointments/${visit.id}`, b), body, confirmOverlap)
      if (result.cancelled) {
        revert()
        say(`Visita ${visit.case.number} mantida como estava.`)
        return
      }
      showSaved(result.saved)
      const start = toCalendar(wallClock(result.saved.starts_at, live.current.timeZone))
      const end = toCalendar(wallClock(result.saved.ends_at, live.current.timeZone))
      say(`Visita ${visit.case.number} ${verb}: ${result.saved.assignee.name}, ${spanLabel(start, end)}${result.overlap ? ' (encaixe)' : ''}.`)
    } catch (error) {
      revert()
      say(`Não foi possível alterar a visita ${visit.case.number}: ${problemOf(error).message}`)
    }
  }

  // FullCalendar, made once the technicians (their colours) are known; its callbacks read `live`.
  useEffect(() => {
    if (!technicians) return undefined
    const cal = new Calendar(host.current, {
      plugins: [dayGridPlugin, timeGridPlugin, interactionPlugin],
      locales: [ptBrLocale],
      locale: 'pt-br',
      timeZone: 'UTC', // the store's wall clock: see time.js
      now: () => storeNow(live.current.timeZone),
      initialView: VIEWS[filters.view],
      initialDate: filters.date || undefined,
      headerToolbar: { left: 'prev,next today', center: 'title', right: 'dayGridMonth,timeGridWeek,timeGridDay' },
      // Words, not FullCalendar's icon font: a data: font, which the CSP's font source refuses.
      buttonIcons: false,
      buttonText: { prev: '‹ Anterior', next: 'Próximo ›' },
      allDaySlot: false,
      // The whole day, opened at 07:00: a visit at dawn or late at night (or one that crosses
      // midnight) is counted in the status line, so it must be on the grid too.
      slotMinTime: '00:00:00',
      slotMaxTime: '24:00:00',
      scrollTime: '07:00:00',
      slotDuration: '00:30:00',
      snapDuration: '00:15:00',
      businessHours: { daysOfWeek: [1, 2, 3, 4, 5, 6], startTime: '07:00', endTime: '20:00' },
      nowIndicator: true,
      height: 620,
      expandRows: true,
      selectable: true,
      selectMirror: true,
      editable: true,
      eventInteractive: true, // events are focusable; Enter opens them like a click
      dayMaxEvents: true,
      eventTimeFormat: { hour: '2-digit', minute: '2-digit' },
      events: (range, success, failure) => {
        const { filters: f } = live.current
        setStatus((s) => ({ ...s, loading: true, error: '' }))
        fetchVisits(calendarApi.get, { start: range.start, end: range.end, technician: f.technician, cancelled: f.cancelled }).then(
          ({ visits, complete }) => {
            success(visits.map((v) => visitToEvent(v, live.current.timeZone, live.current.colours)))
            setStatus({ loading: false, error: '', count: visits.length, complete })
          },
          (error) => {
            failure(error)
            setStatus({ loading: false, error: problemOf(error).message, count: 0, complete: true })
          },
        )
      },
      eventDidMount: ({ el, event }) => {
        const v = event.extendedProps.visit
        if (!v) return // the selection's mirror (selectMirror) is an event without a visit
        el.setAttribute('data-testid', 'visit-event')
        el.setAttribute('data-visit-id', String(v.id))
        el.setAttribute('aria-label', `${event.title}, ${v.assignee.name}, ${v.status_label}, ${spanLabel(event.start, event.end)}`)
      },
      select: (info) => {
        // A day picked in the month view: the booking form opens at the start of the working day.
        const start = info.allDay ? addMinutes(info.start, FIRST_SLOT_MINUTES) : info.start
        setDraft({ start, end: info.allDay ? addMinutes(start, 90) : info.end })
        cal.unselect()
      },
      eventClick: (info) => {
        info.jsEvent.preventDefault()
        setDetail(info.event.extendedProps.visit)
      },
      eventDrop: (info) => {
        const body = { starts_at: fromCalendar(info.event.start), ends_at: fromCalendar(info.event.end) }
        change(info.event.extendedProps.visit, body, info.revert, 'reagendada')
      },
      eventResize: (info) => {
        const body = { starts_at: fromCalendar(info.event.start), ends_at: fromCalendar(info.event.end) }
        change(info.event.extendedProps.visit, body, info.revert, 'reagendada')
      },
      // Dropped outside the calendar, on a technician's chip in the legend: reassign it.
      eventDragStop: (info) => {
        const { clientX: x, clientY: y } = info.jsEvent
        const chip = document.elementFromPoint(x, y)?.closest('[data-technician-id]')
        const visit = info.event.extendedProps.visit
        if (!chip || Number(chip.dataset.technicianId) === visit.assignee.id) return
        change(visit, { assignee_id: Number(chip.dataset.technicianId) }, () => {}, 'transferida')
      },
      datesSet: (info) => {
        const f = live.current.filters
        const next = calendarSearch({ ...f, view: VIEW_NAMES[info.view.type] || 'semana', date: dayOf(info.view.currentStart) })
        if (next !== live.current.search) setSearch(next, { replace: true })
      },
    })
    cal.render()
    calendar.current = cal
    return () => {
      cal.destroy()
      calendar.current = null
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- FullCalendar is built once per technician list; date and view move it through its API
  }, [technicians])

  // The URL changed from outside (Back/Forward): follow it.
  useEffect(() => {
    const cal = calendar.current
    if (!cal) return
    if (cal.view.type !== VIEWS[filters.view]) cal.changeView(VIEWS[filters.view])
    if (filters.date && dayOf(cal.view.currentStart) !== filters.date) cal.gotoDate(filters.date)
  }, [filters.view, filters.date])

  const first = useRef(true)
  useEffect(() => {
    if (first.current) {
      first.current = false
      return
    }
    calendar.current?.refetchEvents()
  }, [filters.technician, filters.cancelled])

  const filterBy = (technician) => setSearch(calendarSearch({ ...filters, technician }))
  const answer = (yes) => {
    clash.resolve(yes)
    setClash(null)
  }

  return (
    <>
      <div class="screen-head">
        <h1 class="screen-title">Agenda</h1>
        <button type="button" class="btn btn-primary" onClick={() => setDraft(nextSlot(timeZone))} disabled={!technicians || !types}>
          Nova visita
        </button>
      </div>
      <div class="card form cal-tools">
        <div class="cal-field">
          <label for="cal-technician">Técnico</label>
          <select id="cal-technician" name="tecnico" value={filters.technician} onChange={(e) => filterBy(e.currentTarget.value)}>
            <option value="">Todos</option>
            {(technicians || []).map((t) => (
              <option key={t.id} value={String(t.id)}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
        <label class="check">
          <input type="checkbox" checked={filters.cancelled} onChange={(e) => setSearch(calendarSearch({ ...filters, cancelled: e.currentTarget.checked }))} />
          Mostrar canceladas
        </label>
        <ul class="plain cal-legend" aria-label="Técnicos (arraste uma visita até um técnico para transferi-la)">
          {(technicians || []).map((t) => (
            <li key={t.id}>
              <button
                type="button"
                class="cal-chip"
                data-technician-id={t.id}
                aria-pressed={filters.technician === String(t.id) ? 'true' : 'false'}
                onClick={() => filterBy(filters.technician === String(t.id) ? '' : String(t.id))}
                title="Mostrar só este técnico (ou solte aqui uma visita para transferi-la)"
              >
                <span class="cal-swatch" style={{ background: colours.get(t.id) }} aria-hidden="true" />
                {t.name}
              </button>
            </li>
          ))}
        </ul>
      </div>
      <p class="muted small" role="status" data-testid="calendar-status">
        {status.loading
          ? 'Carregando as visitas…'
          : status.error
            ? ''
            : `${status.count} ${status.count === 1 ? 'visita' : 'visitas'} neste período${status.complete ? '' : ' (há mais: filtre por técnico ou veja um dia)'}`}
      </p>
      {status.error && (
        <p class="notice notice-error" role="alert">
          {status.error}
        </p>
      )}
      <p role="status" class={said ? 'notice' : 'visually-hidden'} data-testid="calendar-message">
        {said}
      </p>
      <div ref={host} class="cal-host" data-testid="calendar" />
      {draft && technicians && types && (
        <NewVisitDialog
          start={draft.start}
          end={draft.end}
          technicians={technicians}
          types={types}
          rooms={rooms || []}
          technician={filters.technician}
          confirmOverlap={confirmOverlap}
          onClose={() => setDraft(null)}
          onSaved={(visit, overlap) => {
            setDraft(null)
            showSaved(visit)
            say(`Visita agendada: ${visit.case.number} com ${visit.assignee.name}${overlap ? ' (encaixe)' : ''}.`)
          }}
        />
      )}
      {detail && (
        <VisitDialog
          visit={detail}
          technicians={technicians || []}
          colours={colours}
          timeZone={timeZone}
          confirmOverlap={confirmOverlap}
          onClose={() => setDetail(null)}
          onChanged={(visit, overlap) => {
            setDetail(visit)
            showSaved(visit)
            say(`Visita ${visit.case.number} alterada${overlap ? ' (encaixe)' : ''}.`)
          }}
        />
      )}
      {clash && <ConflictDialog conflict={clash.conflict} timeZone={timeZone} onAnswer={answer} />}
    </>
  )
}
