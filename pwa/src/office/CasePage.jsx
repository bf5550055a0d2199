// The case page: its tabs are URLs (/escritorio/assistencias/12, …/ocorrencias, …/historico), so
// a reload or a link opens the same tab. Each tab is a component of its own in case/ and loads
// its own data (a constant number of requests, never one per row).
import { useEffect, useState } from 'preact/hooks'
import { officeApi } from './api.js'
import { CaseData } from './case/CaseData.jsx'
import { Documents } from './case/Documents.jsx'
import { Occurrences } from './case/Occurrences.jsx'
import { Orders } from './case/Orders.jsx'
import { Visits } from './case/Visits.jsx'
import './case/case.css'
import { problemOf } from '../data/problem.js'
import { daysLate, lateLabel } from './format.js'
import { Timeline } from './Timeline.jsx'

export const CASE_TABS = [
  ['', 'Dados'],
  ['ocorrencias', 'Ocorrências'],
  ['agendas', 'Agendas'],
  ['pedidos', 'Pedidos'],
  ['documentos', 'Documentos'],
  ['historico', 'Histórico'],
]

function TabContent({ tab, kase, timeZone, onCaseChanged, user }) {
  const props = { kase, timeZone, onCaseChanged }
  switch (tab) {
    case 'ocorrencias':
      return <Occurrences {...props} user={user} />
    case 'agendas':
      return <Visits {...props} />
    case 'pedidos':
      return <Orders {...props} />
    case 'documentos':
      return <Documents {...props} />
    case 'historico':
      return <Timeline caseId={kase.id} timeZone={timeZone} />
    default:
      return <CaseData {...props} />
  }
}

export function CasePage({ id, tab = '', timeZone, user }) {
  const [kase, setKase] = useState(null)
  const [error, setError] = useState(null)
  const reload = () => officeApi.get(`/api/cases/${id}`).then(setKase, (e) => setError(problemOf(e)))
  useEffect(() => {
    setKase(null)
    setError(null)
    reload()
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a new case id starts over; reload is remade every render
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
        <span class={`chip chip-case-${kase.status}`} data-testid="case-status">
          {kase.status_label}
        </span>
        {kase.overdue && <span class="late badge">{lateLabel(daysLate(kase, new Date(), timeZone))}</span>}
      </div>
      <nav class="tabs case-tabs" aria-label="Seções da assistência">
        {CASE_TABS.map(([slug, label]) => (
          <a key={slug} href={slug ? `${base}/${slug}` : base} aria-current={tab === slug ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      {/* A tab's changes (an occurrence, an order, a visit) may move the case's status: reload it. */}
      <TabContent tab={tab} kase={kase} timeZone={timeZone} onCaseChanged={reload} user={user} />
    </>
  )
}
