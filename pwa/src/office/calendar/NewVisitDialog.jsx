// "Nova visita": the slot selected on the calendar (or typed: start and end are full date-times, so
// a visit may cross midnight), a case found by number or customer (the cases list API), the Tipo de
// Agenda, the Situação, the technician, the visit type and Ambiente (catalogs) and the Observação →
// POST /api/cases/<id>/appointments; a double-booking asks before booking the "encaixe".
import { useState } from 'preact/hooks'
import { problemOf, unclaimedMessages } from '../../data/problem.js'
import { Field } from '../fields.jsx'
import { BOOKING_STATUSES, CALENDAR_TYPES } from '../labels.js'
import { calendarApi } from './api.js'
import { sendAllowingOverlap } from './conflict.js'
import { Modal } from './Modal.jsx'
import { joinWall, splitWall } from './time.js'

const OPEN_CASES = 'open,scheduled,in_service,pending'
const FIELDS = ['case', 'calendar_type', 'status', 'assignee_id', 'appointment_type_id', 'room_id', 'starts_at', 'ends_at', 'subject', 'notes']

function CasePicker({ chosen, onChoose, errors }) {
  const [query, setQuery] = useState('')
  const [state, setState] = useState({ results: null, busy: false, error: '' })
  async function search() {
    const q = query.trim()
    if (!q) return
    setState({ results: null, busy: true, error: '' })
    try {
      const page = await calendarApi.get(`/api/cases?q=${encodeURIComponent(q)}&status=${OPEN_CASES}&limit=10`)
      setState({ results: page.items, busy: false, error: '' })
    } catch (error) {
      setState({ results: null, busy: false, error: problemOf(error).message })
    }
  }
  if (chosen) {
    return (
      <div class="chosen" data-testid="chosen-case">
        <p>
          Assistência <strong>{chosen.number}</strong> — {chosen.customer.name}
        </p>
        <button type="button" class="btn btn-small" onClick={() => onChoose(null)}>
          Trocar
        </button>
      </div>
    )
  }
  const message = errors.case?.join(' ')
  return (
    <div class="lookup">
      <label for="cal-case-search">Assistência</label>
      <div class="lookup-row">
        <input
          id="cal-case-search"
          type="search"
          value={query}
          placeholder="Número (AT-…) ou nome do cliente"
          aria-invalid={message ? 'true' : undefined}
          aria-describedby={message ? 'cal-case-search-error' : undefined}
          onInput={(e) => setQuery(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault()
              search()
            }
          }}
        />
        <button type="button" class="btn" onClick={search} disabled={state.busy}>
          {state.busy ? 'Buscando…' : 'Buscar'}
        </button>
      </div>
      {message && (
        <span class="field-error" id="cal-case-search-error">
          {message}
        </span>
      )}
      {state.error && (
        <p class="field-error" role="alert">
          {state.error}
        </p>
      )}
      {state.results && (
        <div role="status" class="lookup-results">
          {state.results.length ? (
            <ul class="plain" aria-label="Assistências encontradas">
              {state.results.map((c) => (
                <li key={c.id} class="lookup-result">
                  <span>
                    <strong>{c.number}</strong> — {c.customer.name} <span class="muted small">{c.status_label}</span>
                  </span>
                  <button type="button" class="btn btn-small" onClick={() => onChoose(c)} aria-label={`Escolher ${c.number}`}>
                    Escolher
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">Nenhuma assistência aberta encontrada.</p>
          )}
        </div>
      )}
    </div>
  )
}

const Choices = ({ pairs }) =>
  pairs.map(([value, label]) => (
    <option key={value} value={value}>
      {label}
    </option>
  ))

export function NewVisitDialog({ start, end, technicians, types, rooms = [], technician, confirmOverlap, onSaved, onClose }) {
  const first = splitWall(start)
  const last = splitWall(end)
  const [kase, setKase] = useState(null)
  const [form, setForm] = useState({
    calendar_type: 'technical_assistance',
    status: 'scheduled',
    assignee_id: technician || '',
    appointment_type_id: types[0] ? String(types[0].id) : '',
    room_id: '',
    starts: `${first.day}T${first.time}`,
    ends: `${last.day}T${last.time}`,
    subject: '',
    notes: '',
  })
  const [errors, setErrors] = useState({})
  const [problem, setProblem] = useState('')
  const [busy, setBusy] = useState(false)
  const set = (name) => (e) => {
    setForm({ ...form, [name]: e.currentTarget.value })
    const path = { starts: 'starts_at', ends: 'ends_at' }[name] || name
    if (errors[path]) setErrors(Object.fromEntries(Object.entries(errors).filter(([p]) => p !== path))) // changed: no longer the refused value
  }

  function choose(c) {
    setKase(c)
    // The case's own technician is the likely one, unless the office already picked someone.
    if (c && !form.assignee_id && c.assignee) setForm({ ...form, assignee_id: String(c.assignee.id) })
  }

  async function submit(event) {
    event.preventDefault()
    if (!kase) {
      setErrors({ case: ['Escolha a assistência da visita.'] })
      return
    }
    setBusy(true)
    setErrors({})
    setProblem('')
    const body = {
      calendar_type: form.calendar_type,
      status: form.status,
      assignee_id: Number(form.assignee_id) || null,
      appointment_type_id: Number(form.appointment_type_id) || null,
      room_id: Number(form.room_id) || null,
      starts_at: joinWall(...form.starts.split('T')),
      ends_at: joinWall(...form.ends.split('T')),
      subject: form.subject.trim() || null,
      notes: form.notes.trim() || null,
    }
    try {
      const result = await sendAllowingOverlap((b) => calendarApi.post(`/api/cases/${kase.id}/appointments`, b), body, confirmOverlap)
      if (result.cancelled) {
        setProblem('Visita não agendada: escolha outro horário ou outro técnico.')
        setBusy(false)
        return
      }
      onSaved(result.saved, result.overlap)
    } catch (error) {
      const p = problemOf(error)
      setErrors(p.fields)
      setProblem([p.message, ...unclaimedMessages(p.fields, FIELDS)].join(' '))
      setBusy(false)
    }
  }

  return (
    <Modal id="new-visit" title="Nova visita" onClose={onClose} testId="new-visit">
      <form class="form office-form cal-form" onSubmit={submit} noValidate>
        {problem && (
          <p class="notice notice-error" role="alert" data-testid="new-visit-problem">
            {problem}
          </p>
        )}
        <CasePicker chosen={kase} onChoose={choose} errors={errors} />
        <div class="grid">
          <Field
            label="Tipo de Agenda"
            path="calendar_type"
            errors={errors}
            as="select"
            value={form.calendar_type}
            onChange={set('calendar_type')}
            class="span-3"
          >
            <Choices pairs={CALENDAR_TYPES} />
          </Field>
          <Field label="Situação" path="status" errors={errors} as="select" value={form.status} onChange={set('status')} class="span-3">
            <Choices pairs={BOOKING_STATUSES} />
          </Field>
          <Field label="Técnico" path="assignee_id" errors={errors} as="select" value={form.assignee_id} onChange={set('assignee_id')} class="span-3">
            <option value="">Escolha…</option>
            {technicians.map((t) => (
              <option key={t.id} value={String(t.id)}>
                {t.name}
              </option>
            ))}
          </Field>
          <Field
            label="Tipo de visita"
            path="appointment_type_id"
            errors={errors}
            as="select"
            value={form.appointment_type_id}
            onChange={set('appointment_type_id')}
            class="span-3"
          >
            {types.map((t) => (
              <option key={t.id} value={String(t.id)}>
                {t.name}
              </option>
            ))}
          </Field>
          <Field label="Início" path="starts_at" errors={errors} type="datetime-local" value={form.starts} onInput={set('starts')} class="span-3" required />
          <Field label="Fim" path="ends_at" errors={errors} type="datetime-local" value={form.ends} onInput={set('ends')} class="span-3" required />
          <Field label="Ambiente" path="room_id" errors={errors} as="select" value={form.room_id} onChange={set('room_id')} class="span-3">
            <option value="">—</option>
            <Choices pairs={rooms.map((r) => [String(r.id), r.name])} />
          </Field>
          <Field label="Assunto (opcional)" path="subject" errors={errors} value={form.subject} onInput={set('subject')} class="span-3" maxLength={200} />
          <Field
            label="Observação"
            path="notes"
            errors={errors}
            as="textarea"
            rows={2}
            value={form.notes}
            onInput={set('notes')}
            class="span-all"
            maxLength={4000}
          />
        </div>
        <div class="actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? 'Agendando…' : 'Agendar visita'}
          </button>
          <button type="button" class="btn" onClick={onClose}>
            Cancelar
          </button>
        </div>
      </form>
    </Modal>
  )
}
