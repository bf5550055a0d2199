// The case page: its tabs are URLs (/escritorio/assistencias/12, …/historico), so a reload or a
// link opens the same tab. Only the tabs that are built are shown (Dados, Histórico).
import { useEffect, useState } from 'preact/hooks'
import { formatAddress, formatDate, formatDateTime, formatPhone } from '../lib/format.js'
import { officeApi } from './api.js'
import { problemOf } from './errors.js'
import { daysLate, formatDocument, lateLabel } from './format.js'
import { Timeline } from './Timeline.jsx'

const TABS = [
  ['', 'Dados'],
  ['historico', 'Histórico'],
]

function daysLeft(kase, timeZone) {
  if (kase.status === 'closed' || kase.status === 'cancelled') return ''
  const late = daysLate(kase, new Date(), timeZone)
  if (late != null) return lateLabel(late)
  const left = Math.ceil((Date.parse(kase.due_at) - Date.now()) / 86400000)
  return left <= 1 ? 'vence em até 1 dia' : `faltam ${left} dias`
}

function Data({ kase, timeZone }) {
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
          <dd>{kase.assignee?.name || '—'}</dd>
          <dt>Endereço do atendimento</dt>
          <dd data-testid="service-address">{formatAddress(kase.service_address)}</dd>
        </dl>
      </section>
      <section class="card span-all" aria-labelledby="d-issue">
        <h2 id="d-issue">Situação Alegada</h2>
        <p class="prewrap">{kase.reported_issue}</p>
      </section>
    </div>
  )
}

export function CasePage({ id, tab = '', timeZone }) {
  const [kase, setKase] = useState(null)
  const [error, setError] = useState(null)
  useEffect(() => {
    setKase(null)
    setError(null)
    officeApi.get(`/api/cases/${id}`).then(setKase, (e) => setError(problemOf(e)))
  }, [id])
  useEffect(() => {
    if (kase) document.title = `${kase.number} — Assistec`
  }, [kase])

  if (error) {
    return (
      <>
        <p class="notice notice-error" role="alert">
          {error.status === 404 ? 'Assistência não encontrada.' : error.message}
        </p>
        <a href="/escritorio/assistencias">Voltar às assistências</a>
      </>
    )
  }
  if (!kase) return <p role="status">Carregando a assistência…</p>
  const base = `/escritorio/assistencias/${kase.id}`
  return (
    <>
      <a class="back" href="/escritorio/assistencias">
        ← Assistências
      </a>
      <div class="screen-head">
        <h1 class="screen-title">
          {kase.number} <span class="muted">· {kase.customer.name}</span>
        </h1>
        {kase.overdue && <span class="late badge">{lateLabel(daysLate(kase, new Date(), timeZone))}</span>}
      </div>
      <nav class="tabs" aria-label="Seções da assistência">
        {TABS.map(([slug, label]) => (
          <a key={slug} href={slug ? `${base}/${slug}` : base} aria-current={tab === slug ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      {tab === 'historico' ? <Timeline caseId={kase.id} timeZone={timeZone} /> : <Data kase={kase} timeZone={timeZone} />}
    </>
  )
}
