// A visit's detail: customer, district, the case (link), status, whether the technician was
// notified (asked only now, one request), and — before the visit starts — moving it to another
// time or technician from the keyboard as well as by dragging (same double-booking dialog), or
// cancelling it with a reason.
import { useEffect, useState } from 'preact/hooks'
import { formatDateTime, formatPhone } from '../../lib/format.js'
import { problemOf } from '../../data/problem.js'
import { calendarTypeLabel } from '../labels.js'
import { calendarApi } from './api.js'
import { sendAllowingOverlap } from './conflict.js'
import { districtOf, MOVABLE } from './events.js'
import { Modal } from './Modal.jsx'
import { NOTICE_KINDS, NOTICE_STATUS, noticeSummary } from './notices.js'
import { joinWall, spanLabel, splitWall, toCalendar, wallClock } from './time.js'

function Notices({ visit, timeZone }) {
  const [state, setState] = useState({ notices: null, error: '' })
  useEffect(() => {
    let current = true
    setState({ notices: null, error: '' })
    calendarApi.get(`/api/appointments/${visit.id}/notifications`).then(
      (notices) => current && setState({ notices, error: '' }),
      (error) => current && setState({ notices: null, error: problemOf(error).message }),
    )
    return () => {
      current = false
    }
  }, [visit.id, visit.version])
  if (state.error) return <p class="field-error">{state.error}</p>
  if (!state.notices)
    return (
      <p class="muted" role="status">
        Consultando as notificações…
      </p>
    )
  const summary = noticeSummary(state.notices, visit.assignee.id, timeZone)
  return (
    <>
      <p class={`cal-notice cal-notice-${summary.state}`} data-testid="notice-summary">
        {summary.text}
      </p>
      {state.notices.length > 0 && (
        <details>
          <summary>Histórico de notificações ({state.notices.length})</summary>
          <ul class="plain cal-notices">
            {state.notices.map((n) => (
              <li key={n.id}>
                {formatDateTime(n.created_at, timeZone)} — {NOTICE_KINDS[n.kind] || n.kind} para {n.recipient?.name}: {NOTICE_STATUS[n.status] || n.status}
                {n.sent_at && n.status === 'sent' ? ` em ${formatDateTime(n.sent_at, timeZone)}` : ''}
              </li>
            ))}
          </ul>
        </details>
      )}
    </>
  )
}

function Changes({ visit, technicians, timeZone, confirmOverlap, onChanged }) {
  const start = splitWall(toCalendar(wallClock(visit.starts_at, timeZone)))
  const end = splitWall(toCalendar(wallClock(visit.ends_at, timeZone)))
  const [target, setTarget] = useState('')
  const [times, setTimes] = useState({ day: start.day, from: start.time, to: end.time })
  const [state, setState] = useState({ busy: false, problem: '' })
  const others = technicians.filter((t) => t.id !== visit.assignee.id)

  async function change(body, done) {
    setState({ busy: true, problem: '' })
    try {
      const result = await sendAllowingOverlap((b) => calendarApi.patch(`/api/appointments/${visit.id}`, b), body, confirmOverlap)
      if (result.cancelled) {
        setState({ busy: false, problem: 'Nada foi alterado.' })
        return
      }
      setState({ busy: false, problem: '' })
      done()
      onChanged(result.saved, result.overlap)
    } catch (error) {
      const p = problemOf(error)
      setState({ busy: false, problem: [p.message, ...Object.values(p.fields).flat()].join(' ') })
    }
  }

  return (
    <section class="form cal-changes" aria-labelledby="visit-changes">
      <h3 id="visit-changes">Alterar</h3>
      {state.problem && (
        <p class="notice notice-error" role="alert">
          {state.problem}
        </p>
      )}
      <form
        class="cal-row"
        onSubmit={(e) => {
          e.preventDefault()
          if (target) change({ assignee_id: Number(target) }, () => setTarget(''))
        }}
      >
        <label for="cal-transfer">Transferir para…</label>
        <select id="cal-transfer" value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
          <option value="">Escolha o técnico</option>
          {others.map((t) => (
            <option key={t.id} value={String(t.id)}>
              {t.name}
            </option>
          ))}
        </select>
        <button type="submit" class="btn" disabled={!target || state.busy}>
          Transferir
        </button>
      </form>
      <form
        class="cal-row"
        onSubmit={(e) => {
          e.preventDefault()
          change({ starts_at: joinWall(times.day, times.from), ends_at: joinWall(times.day, times.to) }, () => {})
        }}
      >
        <label>
          Data
          <input type="date" value={times.day} onInput={(e) => setTimes({ ...times, day: e.currentTarget.value })} required />
        </label>
        <label>
          Início
          <input type="time" step="900" value={times.from} onInput={(e) => setTimes({ ...times, from: e.currentTarget.value })} required />
        </label>
        <label>
          Fim
          <input type="time" step="900" value={times.to} onInput={(e) => setTimes({ ...times, to: e.currentTarget.value })} required />
        </label>
        <button type="submit" class="btn" disabled={state.busy}>
          Reagendar
        </button>
      </form>
      <CancelVisit visit={visit} onChanged={onChanged} />
    </section>
  )
}

/** Cancelling needs a reason (the case's timeline keeps it); the technician is notified. */
function CancelVisit({ visit, onChanged }) {
  const [reason, setReason] = useState('')
  const [state, setState] = useState({ busy: false, problem: '' })
  async function cancel(event) {
    event.preventDefault()
    setState({ busy: true, problem: '' })
    try {
      const saved = await calendarApi.post(`/api/appointments/${visit.id}/cancel`, { reason: reason.trim() })
      setState({ busy: false, problem: '' })
      onChanged(saved, false)
    } catch (error) {
      const p = problemOf(error)
      setState({ busy: false, problem: [p.message, ...Object.values(p.fields).flat()].join(' ') })
    }
  }
  return (
    <form class="cal-row" onSubmit={cancel}>
      <label>
        Motivo do cancelamento
        <input value={reason} maxLength={500} onInput={(e) => setReason(e.currentTarget.value)} required />
      </label>
      <button type="submit" class="btn btn-danger" disabled={state.busy || !reason.trim()}>
        Cancelar visita
      </button>
      {state.problem && (
        <p class="field-error" role="alert">
          {state.problem}
        </p>
      )}
    </form>
  )
}

export function VisitDialog({ visit, technicians, colours, timeZone, confirmOverlap, onChanged, onClose }) {
  const kase = visit.case || {}
  const customer = kase.customer || {}
  const start = toCalendar(wallClock(visit.starts_at, timeZone))
  const end = toCalendar(wallClock(visit.ends_at, timeZone))
  return (
    <Modal id="visit" title={`${kase.number} · ${customer.name}`} onClose={onClose} testId="visit-detail">
      <dl class="facts">
        <dt>Quando</dt>
        <dd data-testid="visit-when">{spanLabel(start, end)}</dd>
        <dt>Técnico</dt>
        <dd>
          <span class="cal-swatch" style={{ background: colours.get(visit.assignee.id) }} aria-hidden="true" /> {visit.assignee.name}
        </dd>
        <dt>Tipo</dt>
        <dd>{visit.appointment_type?.name || '—'}</dd>
        <dt>Situação</dt>
        <dd data-testid="visit-status">
          <span class={`chip chip-${visit.status}`}>{visit.status_label}</span>
          {visit.allow_overlap && <span class="muted"> · encaixe (horário sobreposto confirmado)</span>}
        </dd>
        <dt>Tipo de Agenda</dt>
        <dd data-testid="visit-calendar-type">{calendarTypeLabel(visit.calendar_type)}</dd>
        {visit.room && (
          <>
            <dt>Ambiente</dt>
            <dd>{visit.room.name}</dd>
          </>
        )}
        <dt>Cliente</dt>
        <dd>
          {customer.name}
          {customer.phones?.length > 0 && <span class="muted"> · {customer.phones.map(formatPhone).join(', ')}</span>}
        </dd>
        <dt>Bairro</dt>
        <dd data-testid="visit-district">{districtOf(visit) || '—'}</dd>
        {visit.subject && (
          <>
            <dt>Assunto</dt>
            <dd>{visit.subject}</dd>
          </>
        )}
        {visit.notes && (
          <>
            <dt>Observação do escritório</dt>
            <dd class="prewrap">{visit.notes}</dd>
          </>
        )}
        {visit.technician_notes && (
          <>
            <dt>Observação do técnico</dt>
            <dd class="prewrap" data-testid="visit-technician-notes">
              {visit.technician_notes}
            </dd>
          </>
        )}
        <dt>Assistência</dt>
        <dd>
          <a href={`/escritorio/assistencias/${visit.case_id}`}>Abrir a assistência {kase.number}</a>
        </dd>
        <dt>Notificação</dt>
        <dd>
          <Notices visit={visit} timeZone={timeZone} />
        </dd>
      </dl>
      {MOVABLE.has(visit.status) && (
        <Changes key={visit.version} visit={visit} technicians={technicians} timeZone={timeZone} confirmOverlap={confirmOverlap} onChanged={onChanged} />
      )}
    </Modal>
  )
}
