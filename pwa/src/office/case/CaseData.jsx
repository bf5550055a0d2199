// Dados: the customer, the case's status and deadline (CDC art. 18, with days left or late), the
// service address and the Situação Alegada.
import { formatAddress, formatDate, formatDateTime, formatPhone } from '../../lib/format.js'
import { daysLate, formatDocument, lateLabel } from '../format.js'

function daysLeft(kase, timeZone) {
  if (kase.status === 'closed' || kase.status === 'cancelled') return ''
  const late = daysLate(kase, new Date(), timeZone)
  if (late != null) return lateLabel(late)
  const left = Math.ceil((Date.parse(kase.due_at) - Date.now()) / 86400000)
  return left <= 1 ? 'vence em até 1 dia' : `faltam ${left} dias`
}

export function CaseData({ kase, timeZone }) {
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
