// Agendas: the case's technical-assistance visits, in the store's timezone, and a new visit. A
// double booking comes back as a 409 listing the technician's other visits then; the scheduler
// sees them and may confirm the overlap (`allow_overlap: true`). Whether the technician was
// notified is shown per visit on demand (one request for the visit opened, never one per row).
import { useRef, useState } from 'preact/hooks'
import { dayKey, formatDate, formatDateTime, formatTime } from '../../lib/format.js'
import { officeApi } from '../api.js'
import { problemOf } from '../../data/problem.js'
import { Field, ProblemNotice } from '../fields.jsx'
import { BOOKING_STATUSES, CALENDAR_TYPES, calendarTypeLabel } from '../labels.js'
import { catalogPath, FactsRow, Loading, NO_PROBLEM, Options, useLoad } from './common.jsx'
import { conflictsOf, emptyVisit, sortVisits, visitBody, visitErrors } from './visits.js'
import { FormActions } from '../../components/fields.jsx'

const NOTICE_KIND = {
  assigned: 'Nova visita',
  rescheduled: 'Visita reagendada',
  reassigned_away: 'Visita passada a outro técnico',
  cancelled: 'Visita cancelada',
}
const NOTICE_STATUS = {
  sent: 'Entregue ao serviço de push',
  pending: 'Pendente',
  no_devices: 'Técnico sem aparelho com notificações',
  gone: 'Inscrição expirada',
  replaced: 'Substituída por aviso mais novo',
  failed: 'Falhou',
}

function Notifications({ visit, timeZone }) {
  const [{ data, error }] = useLoad([`/api/appointments/${visit.id}/notifications`], [visit.id])
  if (!data) return <Loading error={error} what="as notificações" />
  const [notices] = data
  if (!notices.length) return <p class="muted">Nenhuma notificação enviada para esta visita.</p>
  return (
    <ul class="notices" data-testid="visit-notifications">
      {notices.map((n) => (
        <li key={n.id}>
          <strong>{NOTICE_KIND[n.kind] || n.kind}</strong> para {n.recipient?.name}: {NOTICE_STATUS[n.status] || n.status}
          <span class="muted"> · {formatDateTime(n.sent_at || n.created_at, timeZone)}</span>
        </li>
      ))}
    </ul>
  )
}

function VisitRow({ visit, timeZone }) {
  const [details, setDetails] = useState(false)
  const detailId = `visit-${visit.id}-details`
  return (
    <>
      <tr data-testid="visit-row">
        <td class="nowrap">{formatDate(visit.starts_at, timeZone)}</td>
        <td class="nowrap">
          {formatTime(visit.starts_at, timeZone)}–
          {dayKey(visit.ends_at, timeZone) === dayKey(visit.starts_at, timeZone)
            ? formatTime(visit.ends_at, timeZone)
            : formatDateTime(visit.ends_at, timeZone)}
        </td>
        <td>{visit.assignee?.name}</td>
        <td>{visit.appointment_type?.name || '—'}</td>
        <td>
          <span class={`chip chip-${visit.status}`}>{visit.status_label}</span>
          {visit.allow_overlap && <span class="muted"> · encaixe</span>}
        </td>
        <td>
          <button type="button" class="btn btn-small" aria-expanded={details} aria-controls={detailId} onClick={() => setDetails(!details)}>
            {details ? 'Ocultar' : 'Detalhes'}
          </button>
        </td>
      </tr>
      {details && (
        <tr id={detailId} class="visit-details">
          <td colSpan={6}>
            <FactsRow
              pairs={[
                ['Assunto', visit.subject],
                ['Ambiente', visit.room?.name],
                ['Observação do escritório', visit.notes && <span class="prewrap">{visit.notes}</span>],
                ['Observação do técnico', visit.technician_notes && <span class="prewrap">{visit.technician_notes}</span>],
                ['Início', formatDateTime(visit.checked_in_at, timeZone)],
                ['Fim', formatDateTime(visit.checked_out_at, timeZone)],
                ['Motivo do cancelamento', visit.cancel_reason],
              ]}
            />
            <h4>Notificação</h4>
            <Notifications visit={visit} timeZone={timeZone} />
          </td>
        </tr>
      )}
    </>
  )
}

const SHOWN = ['calendar_type', 'status', 'assignee_id', 'appointment_type_id', 'room_id', 'starts_at', 'ends_at', 'subject', 'notes']

function VisitForm({ kase, choices, timeZone, onSaved, onCancel }) {
  const [form, setForm] = useState(() => emptyVisit(dayKey(new Date().toISOString(), timeZone)))
  const [problem, setProblem] = useState(NO_PROBLEM)
  const [conflicts, setConflicts] = useState([])
  const [busy, setBusy] = useState(false)
  const summary = useRef(null)
  const set = (name) => (event) => {
    setForm({ ...form, [name]: event.currentTarget.value })
    setConflicts([]) // another time or technician: the old clash no longer applies
    const path = { starts: 'starts_at', ends: 'ends_at' }[name] || name
    if (problem.fields?.[path]) setProblem({ ...problem, fields: Object.fromEntries(Object.entries(problem.fields).filter(([p]) => p !== path)) })
  }

  async function submit(event, allowOverlap = false) {
    event?.preventDefault()
    const local = visitErrors(form)
    if (Object.keys(local).length) {
      setProblem({ message: 'Verifique os campos destacados.', fields: local })
      requestAnimationFrame(() => summary.current?.focus())
      return
    }
    setBusy(true)
    try {
      onSaved(await officeApi.post(`/api/cases/${kase.id}/appointments`, visitBody(form, allowOverlap)))
    } catch (error) {
      setConflicts(conflictsOf(error))
      setProblem(problemOf(error))
      setBusy(false)
      requestAnimationFrame(() => summary.current?.focus())
    }
  }

  return (
    <form class="form office-form card" onSubmit={submit} noValidate aria-labelledby="visit-form-title" data-testid="visit-form">
      <h2 id="visit-form-title">Nova visita</h2>
      <ProblemNotice problem={problem} shown={SHOWN} noticeRef={summary} />
      {conflicts.length > 0 && (
        <div class="notice conflict" data-testid="visit-conflict">
          <p>Compromissos do técnico neste horário:</p>
          <ul>
            {conflicts.map((c) => (
              <li key={c.id}>
                {c.case_number}: {formatDateTime(c.starts_at, timeZone)}–{formatTime(c.ends_at, timeZone)}
                {c.subject ? ` — ${c.subject}` : ''}
              </li>
            ))}
          </ul>
          <button type="button" class="btn" disabled={busy} onClick={() => submit(null, true)}>
            Agendar mesmo assim (encaixe)
          </button>
        </div>
      )}
      <div class="grid">
        <Field
          label="Tipo de Agenda"
          path="calendar_type"
          errors={problem.fields}
          as="select"
          value={form.calendar_type}
          onChange={set('calendar_type')}
          class="span-2"
        >
          {CALENDAR_TYPES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </Field>
        <Field label="Situação" path="status" errors={problem.fields} as="select" value={form.status} onChange={set('status')} class="span-2">
          {BOOKING_STATUSES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </Field>
        <Field
          label="Técnico"
          path="assignee_id"
          errors={problem.fields}
          as="select"
          value={form.assignee_id}
          onChange={set('assignee_id')}
          class="span-2"
          required
        >
          <Options entries={choices.technicians} />
        </Field>
        <Field
          label="Tipo de compromisso"
          path="appointment_type_id"
          errors={problem.fields}
          as="select"
          value={form.appointment_type_id}
          onChange={set('appointment_type_id')}
          class="span-2"
          required
        >
          <Options entries={choices.types} />
        </Field>
        <Field label="Ambiente" path="room_id" errors={problem.fields} as="select" value={form.room_id} onChange={set('room_id')} class="span-2">
          <Options entries={choices.rooms} placeholder="—" />
        </Field>
        <Field
          label="Início"
          path="starts_at"
          errors={problem.fields}
          type="datetime-local"
          value={form.starts}
          onInput={set('starts')}
          class="span-2"
          required
        />
        <Field label="Fim" path="ends_at" errors={problem.fields} type="datetime-local" value={form.ends} onInput={set('ends')} class="span-2" required />
        <Field label="Assunto" path="subject" errors={problem.fields} value={form.subject} onInput={set('subject')} class="span-2" />
        <Field label="Observação" path="notes" errors={problem.fields} as="textarea" rows={2} value={form.notes} onInput={set('notes')} class="span-all" />
      </div>
      <p class="field-hint">Horários no fuso da loja ({timeZone}).</p>
      <FormActions busy={busy} onCancel={onCancel}>
        Agendar visita
      </FormActions>
    </form>
  )
}

export function Visits({ kase, timeZone, onCaseChanged }) {
  const [{ data, error }, reload] = useLoad([`/api/cases/${kase.id}/appointments`], [kase.id])
  const [choices, setChoices] = useState(null)
  const [formOpen, setFormOpen] = useState(false)
  const [notice, setNotice] = useState('')
  const [choiceError, setChoiceError] = useState('')

  async function openForm() {
    setNotice('')
    if (!choices) {
      try {
        const [technicians, types, rooms] = await Promise.all([
          officeApi.get(`/api/users?role=technician&store_id=${kase.store_id}`),
          officeApi.get(catalogPath('appointment_types', kase.store_id)),
          officeApi.get(catalogPath('rooms', kase.store_id)),
        ])
        setChoices({ technicians, types, rooms })
      } catch (e) {
        setChoiceError(problemOf(e).message)
        return
      }
    }
    setFormOpen(true)
  }

  async function saved(visit) {
    setFormOpen(false)
    const elsewhere =
      visit.calendar_type === 'technical_assistance' ? '' : ` Tipo de Agenda ${calendarTypeLabel(visit.calendar_type)}: aparece na Agenda, não nesta lista.`
    setNotice(`Visita agendada para ${formatDateTime(visit.starts_at, timeZone)} com ${visit.assignee.name}.${elsewhere}`)
    await reload()
    onCaseChanged()
  }

  if (!data) return <Loading error={error} what="as visitas" />
  const visits = sortVisits(data[0])
  return (
    <div class="case-visits">
      <div class="section-head">
        <h2>Visitas ({visits.length})</h2>
        {!formOpen && (
          <button type="button" class="btn btn-primary" onClick={openForm}>
            + Nova visita
          </button>
        )}
      </div>
      {choiceError && (
        <p class="notice notice-error" role="alert">
          {choiceError}
        </p>
      )}
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {formOpen && <VisitForm kase={kase} choices={choices} timeZone={timeZone} onSaved={saved} onCancel={() => setFormOpen(false)} />}
      {visits.length === 0 ? (
        <p class="muted">Nenhuma visita agendada.</p>
      ) : (
        <div class="table-wrap">
          <table class="table visits">
            <thead>
              <tr>
                <th scope="col">Data</th>
                <th scope="col">Horário</th>
                <th scope="col">Técnico</th>
                <th scope="col">Tipo</th>
                <th scope="col">Situação</th>
                <th scope="col">
                  <span class="visually-hidden">Detalhes e notificação</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {visits.map((v) => (
                <VisitRow key={v.id} visit={v} timeZone={timeZone} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}
