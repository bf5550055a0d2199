// Dados: the customer, the case's status and deadline (CDC art. 18, with days left or late), the
// service address and the Situação Alegada; "Editar" changes what the API lets the office change,
// and "Mudar situação" moves the status with a reason (cancel included).
import { useRef, useState } from 'preact/hooks'
import { formatAddress, formatDate, formatDateTime, formatPhone } from '../../lib/format.js'
import { officeApi } from '../api.js'
import { problemOf } from '../../data/problem.js'
import { AddressFields, Field, ProblemNotice } from '../fields.jsx'
import { daysLate, formatDocument, lateLabel } from '../format.js'
import { caseChanges, editForm, needsForce, statusChoices, statusRequest } from './case-edit.js'
import { NO_PROBLEM, Options } from './common.jsx'
import { FormActions } from '../../components/fields.jsx'

function daysLeft(kase, timeZone) {
  if (kase.status === 'closed' || kase.status === 'cancelled') return ''
  const late = daysLate(kase, new Date(), timeZone)
  if (late != null) return lateLabel(late)
  const left = Math.ceil((Date.parse(kase.due_at) - Date.now()) / 86400000)
  return left <= 1 ? 'vence em até 1 dia' : `faltam ${left} dias`
}

function CaseFacts({ kase, timeZone }) {
  const c = kase.customer
  return (
    <div class="case-data">
      <section class="card" aria-labelledby="d-customer">
        <h2 id="d-customer">Cliente</h2>
        <dl class="facts">
          <dt>Nome</dt>
          <dd>{c.name}</dd>
          <dt>CPF/CNPJ</dt>
          <dd>{formatDocument(c.document) || '—'}</dd>
          <dt>Telefones</dt>
          <dd>{(c.phones || []).map(formatPhone).join(', ') || '—'}</dd>
          <dt>E-mail</dt>
          <dd>{c.email || '—'}</dd>
          <dt>Contrato</dt>
          <dd>{kase.contract?.number || '—'}</dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="d-case">
        <h2 id="d-case">Assistência</h2>
        <dl class="facts">
          <dt>Situação</dt>
          <dd>
            <span class={`chip chip-case-${kase.status}`}>{kase.status_label}</span>
            {kase.status_reason && <span class="muted"> — {kase.status_reason}</span>}
          </dd>
          <dt>Aberta em</dt>
          <dd>{formatDateTime(kase.opened_at, timeZone)}</dd>
          <dt>Prazo (CDC art. 18)</dt>
          <dd data-testid="due">
            {formatDate(kase.due_at, timeZone)}
            {daysLeft(kase, timeZone) && <span class={kase.overdue ? 'late' : 'muted'}> · {daysLeft(kase, timeZone)}</span>}
          </dd>
          {kase.closed_at && (
            <>
              <dt>Encerrada em</dt>
              <dd>{formatDateTime(kase.closed_at, timeZone)}</dd>
            </>
          )}
          <dt>Técnico responsável</dt>
          <dd data-testid="case-technician">
            {kase.assignee?.name || '—'}
            {kase.assignee && !kase.assignee_chosen && <span class="muted"> (da última visita)</span>}
          </dd>
          <dt>Endereço do atendimento</dt>
          <dd data-testid="service-address">{formatAddress(kase.service_address)}</dd>
          <dt>Instruções de acesso</dt>
          <dd class="prewrap" data-testid="access-notes">
            {kase.access_notes || '—'}
          </dd>
        </dl>
      </section>
      <section class="card span-all" aria-labelledby="d-issue">
        <h2 id="d-issue">Situação Alegada</h2>
        <p class="prewrap">{kase.reported_issue}</p>
      </section>
    </div>
  )
}

const EDIT_SHOWN = [
  'reported_issue',
  'access_notes',
  'assignee_id',
  'service_address',
  'service_address.cep',
  'service_address.street',
  'service_address.number',
  'service_address.complement',
  'service_address.district',
  'service_address.city',
  'service_address.state',
]

function EditCase({ kase, technicians, onSaved, onCancel }) {
  const [form, setForm] = useState(() => editForm(kase))
  const [problem, setProblem] = useState(NO_PROBLEM)
  const [busy, setBusy] = useState(false)
  const summary = useRef(null)

  async function submit(event) {
    event.preventDefault()
    const body = caseChanges(kase, form)
    if (!Object.keys(body).length) return onCancel()
    setBusy(true)
    try {
      onSaved(await officeApi.patch(`/api/cases/${kase.id}`, body), 'Dados da assistência salvos.')
    } catch (error) {
      setProblem(problemOf(error))
      setBusy(false)
      requestAnimationFrame(() => summary.current?.focus())
    }
  }
  return (
    <form class="form office-form card" onSubmit={submit} noValidate aria-labelledby="edit-title" data-testid="case-edit">
      <h2 id="edit-title">Editar assistência</h2>
      <ProblemNotice problem={problem} shown={EDIT_SHOWN} noticeRef={summary} />
      <Field
        label="Técnico responsável"
        path="assignee_id"
        errors={problem.fields}
        as="select"
        value={form.assignee_id}
        onChange={(e) => setForm({ ...form, assignee_id: e.currentTarget.value })}
      >
        <Options entries={technicians} placeholder="— o da última visita —" />
      </Field>
      <AddressFields
        legend="Endereço do atendimento"
        prefix="service_address"
        value={form.service_address}
        onChange={(service_address) => setForm({ ...form, service_address })}
        errors={problem.fields}
      />
      <Field
        label="Situação Alegada"
        path="reported_issue"
        errors={problem.fields}
        as="textarea"
        rows={4}
        value={form.reported_issue}
        onInput={(e) => setForm({ ...form, reported_issue: e.currentTarget.value })}
      />
      <Field
        label="Instruções de acesso"
        path="access_notes"
        errors={problem.fields}
        as="textarea"
        rows={2}
        hint="Portaria, horários do condomínio, vaga: o técnico vê na visita."
        value={form.access_notes}
        onInput={(e) => setForm({ ...form, access_notes: e.currentTarget.value })}
      />
      <FormActions busy={busy} onCancel={onCancel}>
        Salvar
      </FormActions>
    </form>
  )
}

function ChangeStatus({ kase, onSaved, onCancel }) {
  const choices = statusChoices(kase.status)
  const [status, setStatus] = useState(choices[0]?.[0] || '')
  const [reason, setReason] = useState('')
  const [force, setForce] = useState(false)
  const [forceOffered, setForceOffered] = useState(false)
  const [problem, setProblem] = useState(NO_PROBLEM)
  const [busy, setBusy] = useState(false)
  const summary = useRef(null)

  async function submit(event) {
    event.preventDefault()
    const request = statusRequest(kase.id, status, reason, force)
    setBusy(true)
    try {
      onSaved(await officeApi[request.method](request.path, request.body), 'Situação alterada.')
    } catch (error) {
      const p = problemOf(error)
      // cancel's field is `reason`; show it at the one reason field
      if (p.fields.reason) p.fields = { ...p.fields, status_reason: p.fields.reason }
      setProblem(p)
      if (needsForce(error)) setForceOffered(true)
      setBusy(false)
      requestAnimationFrame(() => summary.current?.focus())
    }
  }
  const offerForce = status === 'closed' && forceOffered
  return (
    <form class="form office-form card" onSubmit={submit} noValidate aria-labelledby="status-title" data-testid="case-status-form">
      <h2 id="status-title">Mudar situação</h2>
      <ProblemNotice problem={problem} shown={['status', 'status_reason', 'reason', 'force']} noticeRef={summary} />
      <div class="grid">
        <Field
          label="Nova situação"
          path="status"
          errors={problem.fields}
          as="select"
          value={status}
          onChange={(e) => setStatus(e.currentTarget.value)}
          class="span-2"
        >
          {choices.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </Field>
        <Field
          label="Motivo"
          path="status_reason"
          errors={problem.fields}
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
          class="span-4"
          required
        />
      </div>
      {offerForce && (
        <label class="check">
          <input type="checkbox" checked={force} onChange={(e) => setForce(e.currentTarget.checked)} /> Finalizar mesmo com pedidos em aberto
        </label>
      )}
      <FormActions busy={busy} onCancel={onCancel} submitClass={status === 'cancelled' ? 'btn-danger' : 'btn-primary'} disabled={!status}>
        {status === 'cancelled' ? 'Cancelar assistência' : 'Mudar situação'}
      </FormActions>
    </form>
  )
}

export function CaseData({ kase, timeZone, onCaseChanged }) {
  const [mode, setMode] = useState('') // '' | edit | status
  const [technicians, setTechnicians] = useState(null)
  const [notice, setNotice] = useState('')
  const [loadError, setLoadError] = useState('')

  async function edit() {
    setNotice('')
    if (!technicians) {
      try {
        setTechnicians(await officeApi.get(`/api/users?role=technician&store_id=${kase.store_id}`))
      } catch (e) {
        setLoadError(problemOf(e).message)
        return
      }
    }
    setMode('edit')
  }
  function saved(_case, message) {
    setMode('')
    setNotice(message)
    onCaseChanged()
  }
  return (
    <>
      <div class="section-head">
        <span />
        {!mode && (
          <div class="actions">
            <button type="button" class="btn" onClick={edit}>
              Editar
            </button>
            {statusChoices(kase.status).length > 0 && (
              <button type="button" class="btn" onClick={() => (setNotice(''), setMode('status'))}>
                Mudar situação
              </button>
            )}
          </div>
        )}
      </div>
      {loadError && (
        <p class="notice notice-error" role="alert">
          {loadError}
        </p>
      )}
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {mode === 'edit' && <EditCase kase={kase} technicians={technicians} onSaved={saved} onCancel={() => setMode('')} />}
      {mode === 'status' && <ChangeStatus kase={kase} onSaved={saved} onCancel={() => setMode('')} />}
      {mode !== 'edit' && <CaseFacts kase={kase} timeZone={timeZone} />}
    </>
  )
}
