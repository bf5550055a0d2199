// A claim to a factory: its items (outcome and amounts asked), the status with the moves the API
// allows (and the factory's reference number), the factory's answer per item, the credits and the
// balance, the parts shipped (with the delivery visit to book on the case's Agendas), the dossier
// (PDF in a new tab, or e-mailed to the factory's claims address) and the e-mails' status.
import { useEffect, useState } from 'preact/hooks'
import { EmailForm } from '../../components/EmailForm.jsx'
import { choicesOf, labelOf } from '../../data/labels.js'
import { problemOf } from '../../data/problem.js'
import { formatDateTime } from '../../lib/format.js'
import { officeApi } from '../api.js'
import { decimalForApi } from '../../lib/format.js'
import { Field, ProblemNotice } from '../fields.jsx'
import { storeSuppliers } from '../suppliers/list.js'
import { answersBody, day, money } from './claims.js'
import '../records/records.css'

const ANSWER_STATUSES = ['sent', 'in_review', 'refused', 'accepted', 'partially_accepted']
const quantity = (q) =>
  q == null
    ? '—'
    : String(q)
        .replace(/\.?0+$/, '')
        .replace('.', ',')

function useAction(claimSetter) {
  const [problem, setProblem] = useState(null)
  const [busy, setBusy] = useState(false)
  async function run(request, after) {
    setBusy(true)
    setProblem(null)
    try {
      const answer = await request()
      claimSetter(answer.claim || answer)
      after?.(answer)
    } catch (e) {
      setProblem(problemOf(e))
    }
    setBusy(false)
  }
  return { problem, busy, run }
}

function Items({ claim }) {
  return (
    <div class="table-wrap">
      <table class="table" data-testid="claim-items">
        <thead>
          <tr>
            <th scope="col">Assistência</th>
            <th scope="col">Item</th>
            <th scope="col">Resultado pedido</th>
            <th scope="col">Qtd.</th>
            <th scope="col" class="money">
              Valor
            </th>
            <th scope="col">Resposta</th>
            <th scope="col">Qtd. aceita</th>
            <th scope="col" class="money">
              Valor aceito
            </th>
            <th scope="col">Enviada</th>
          </tr>
        </thead>
        <tbody>
          {claim.items.map((i) => (
            <tr key={i.id}>
              <td>
                <a href={`/escritorio/assistencias/${i.case_id}/ocorrencias`}>{i.case_number}</a>
              </td>
              <td>
                {i.code ? `${i.code} — ` : ''}
                {i.description}
              </td>
              <td>{i.outcome_label}</td>
              <td>{quantity(i.quantity)}</td>
              <td class="money">{money(i.amount)}</td>
              <td>
                {i.answer_label}
                {i.refusal_reason && <div class="muted small">{i.refusal_reason}</div>}
              </td>
              <td>{quantity(i.accepted_quantity)}</td>
              <td class="money">{money(i.accepted_amount)}</td>
              <td>{i.shipped_at ? 'Sim' : '—'}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={4}>
              Total
            </th>
            <td class="money">{money(claim.claimed)}</td>
            <td colSpan={2} />
            <td class="money">{money(claim.accepted)}</td>
            <td />
          </tr>
        </tfoot>
      </table>
    </div>
  )
}

function Moves({ claim, setClaim }) {
  const [to, setTo] = useState('')
  const [reference, setReference] = useState(claim.factory_reference || '')
  const [note, setNote] = useState('')
  const action = useAction(setClaim)
  if (!claim.allowed_moves.length) return null
  const errors = action.problem?.fields || {}
  const submit = (e) => {
    e.preventDefault()
    action.run(
      () =>
        officeApi.post(`/api/claims/${claim.id}/moves`, {
          status: to || claim.allowed_moves[0],
          factory_reference: reference.trim() || null,
          note: note.trim() || null,
        }),
      () => (setTo(''), setNote('')),
    )
  }
  return (
    <form class="card form office-form" onSubmit={submit} aria-labelledby="moves-title" data-testid="claim-moves">
      <h2 id="moves-title">Mudar situação</h2>
      <ProblemNotice problem={action.problem} shown={['status', 'factory_reference', 'note']} />
      <div class="grid">
        <Field
          label="Nova situação"
          path="status"
          errors={errors}
          as="select"
          value={to || claim.allowed_moves[0]}
          onChange={(e) => setTo(e.currentTarget.value)}
          class="span-2"
        >
          {claim.allowed_moves.map((s) => (
            <option key={s} value={s}>
              {labelOf('claim_status', s)}
            </option>
          ))}
        </Field>
        <Field
          label="Protocolo da fábrica"
          path="factory_reference"
          errors={errors}
          value={reference}
          onInput={(e) => setReference(e.currentTarget.value)}
          class="span-2"
        />
        <Field label="Observação" path="note" errors={errors} value={note} onInput={(e) => setNote(e.currentTarget.value)} class="span-4" />
      </div>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={action.busy}>
          {action.busy ? 'Salvando…' : 'Mudar situação'}
        </button>
      </div>
    </form>
  )
}

function Answers({ claim, setClaim }) {
  const [rows, setRows] = useState(() =>
    claim.items.map((i) => ({
      id: i.id,
      label: `${i.code ? `${i.code} — ` : ''}${i.description}`,
      accepted: i.answer === 'refused' ? 'no' : 'yes',
      accepted_quantity: i.accepted_quantity == null ? '' : quantity(i.accepted_quantity),
      accepted_amount: i.accepted_amount == null ? '' : String(i.accepted_amount).replace('.', ','),
      refusal_reason: i.refusal_reason || '',
    })),
  )
  const action = useAction(setClaim)
  const errors = action.problem?.fields || {}
  const set = (n, name) => (e) => setRows(rows.map((r, i) => (i === n ? { ...r, [name]: e.currentTarget.value } : r)))
  const submit = (e) => {
    e.preventDefault()
    action.run(() => officeApi.post(`/api/claims/${claim.id}/answers`, answersBody(rows)))
  }
  return (
    <form class="card form office-form" onSubmit={submit} aria-labelledby="answers-title" data-testid="claim-answers">
      <h2 id="answers-title">Resposta da fábrica</h2>
      <ProblemNotice problem={action.problem} shown={Object.keys(errors).filter((p) => p.startsWith('items.'))} />
      <table class="table items-table">
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Resposta</th>
            <th scope="col">Qtd. aceita</th>
            <th scope="col">Valor aceito (R$)</th>
            <th scope="col">Motivo da recusa</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, n) => (
            <tr key={r.id}>
              <td>{r.label}</td>
              <td>
                <select aria-label={`Resposta para ${r.label}`} value={r.accepted} onChange={set(n, 'accepted')}>
                  <option value="yes">Aceito</option>
                  <option value="no">Recusado</option>
                </select>
              </td>
              <td>
                <Field
                  label=""
                  aria-label={`Quantidade aceita de ${r.label}`}
                  path={`items.${n}.accepted_quantity`}
                  errors={errors}
                  inputMode="decimal"
                  placeholder="a pedida"
                  value={r.accepted_quantity}
                  onInput={set(n, 'accepted_quantity')}
                  disabled={r.accepted === 'no'}
                />
              </td>
              <td>
                <Field
                  label=""
                  aria-label={`Valor aceito de ${r.label}`}
                  path={`items.${n}.accepted_amount`}
                  errors={errors}
                  inputMode="decimal"
                  placeholder="o pedido"
                  value={r.accepted_amount}
                  onInput={set(n, 'accepted_amount')}
                  disabled={r.accepted === 'no'}
                />
              </td>
              <td>
                <Field
                  label=""
                  aria-label={`Motivo da recusa de ${r.label}`}
                  path={`items.${n}.refusal_reason`}
                  errors={errors}
                  value={r.refusal_reason}
                  onInput={set(n, 'refusal_reason')}
                  disabled={r.accepted !== 'no'}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={action.busy}>
          {action.busy ? 'Salvando…' : 'Registrar resposta'}
        </button>
      </div>
    </form>
  )
}

function Credits({ claim, setClaim }) {
  const empty = { received_on: '', amount: '', form: 'order_credit', note: '' }
  const [credit, setCredit] = useState(empty)
  const action = useAction(setClaim)
  const errors = action.problem?.fields || {}
  const canAdd = ['accepted', 'partially_accepted', 'parts_shipped', 'credited'].includes(claim.status)
  const set = (name) => (e) => setCredit({ ...credit, [name]: e.currentTarget.value })
  const submit = (e) => {
    e.preventDefault()
    action.run(
      () =>
        officeApi.post(`/api/claims/${claim.id}/credits`, {
          ...credit,
          amount: decimalForApi(credit.amount),
          note: credit.note.trim() || null,
          received_on: credit.received_on || null,
        }),
      () => setCredit(empty),
    )
  }
  return (
    <section class="card" aria-labelledby="credits-title" data-testid="claim-credits">
      <h2 id="credits-title">Créditos</h2>
      <dl class="facts" data-testid="claim-money">
        <dt>Aceito</dt>
        <dd>{money(claim.accepted)}</dd>
        <dt>Recebido</dt>
        <dd>{money(claim.received)}</dd>
        <dt>Saldo a receber</dt>
        <dd data-testid="claim-balance">
          <strong>{money(claim.balance)}</strong>
        </dd>
      </dl>
      {claim.credits.length > 0 && (
        <ul class="plain-list">
          {claim.credits.map((c) => (
            <li key={c.id}>
              {day(c.received_on)} · {money(c.amount)} · {c.form_label}
              {c.note ? ` · ${c.note}` : ''}{' '}
              <button
                type="button"
                class="btn btn-small btn-ghost"
                onClick={() => confirm('Excluir este crédito?') && action.run(() => officeApi.del(`/api/claims/${claim.id}/credits/${c.id}`))}
              >
                Excluir
              </button>
            </li>
          ))}
        </ul>
      )}
      {canAdd ? (
        <form class="form office-form" onSubmit={submit} aria-label="Registrar crédito">
          <ProblemNotice problem={action.problem} shown={['received_on', 'amount', 'form', 'note']} />
          <div class="grid">
            <Field label="Recebido em" path="received_on" errors={errors} type="date" value={credit.received_on} onInput={set('received_on')} class="span-2" />
            <Field label="Valor (R$)" path="amount" errors={errors} inputMode="decimal" value={credit.amount} onInput={set('amount')} class="span-2" />
            <Field label="Forma" path="form" errors={errors} as="select" value={credit.form} onChange={set('form')} class="span-2">
              {choicesOf('credit_form').map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </Field>
            <Field label="Observação" path="note" errors={errors} value={credit.note} onInput={set('note')} class="span-2" />
          </div>
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled={action.busy}>
              Registrar crédito
            </button>
          </div>
        </form>
      ) : (
        <p class="muted">Os créditos são registrados depois que a fábrica aceita.</p>
      )}
    </section>
  )
}

function Shipments({ claim, setClaim }) {
  const waiting = claim.items.filter((i) => i.answer === 'accepted' && !i.shipped_at)
  const [chosen, setChosen] = useState({})
  const [reference, setReference] = useState('')
  const [suggestions, setSuggestions] = useState([])
  const action = useAction(setClaim)
  if (!waiting.length && !suggestions.length) return null
  const submit = (e) => {
    e.preventDefault()
    action.run(
      () =>
        officeApi.post(`/api/claims/${claim.id}/shipments`, {
          item_ids: waiting.filter((i) => chosen[i.id]).map((i) => i.id),
          factory_reference: reference.trim() || null,
        }),
      (answer) => (setSuggestions(answer.visit_suggestions), setChosen({})),
    )
  }
  return (
    <section class="card" aria-labelledby="shipments-title" data-testid="claim-shipments">
      <h2 id="shipments-title">Peças enviadas pela fábrica</h2>
      {suggestions.length > 0 && (
        <div class="notice notice-ok" role="status">
          {suggestions.map((s) => (
            <p key={s.case_id}>
              {s.subject} — assistência {s.case_number}: <a href={`/escritorio/assistencias/${s.case_id}/agendas`}>agendar a visita</a>
            </p>
          ))}
        </div>
      )}
      {waiting.length > 0 && (
        <form class="form office-form" onSubmit={submit} aria-label="Marcar peças enviadas">
          <ProblemNotice problem={action.problem} shown={[]} />
          {waiting.map((i) => (
            <label key={i.id} class="check">
              <input type="checkbox" checked={Boolean(chosen[i.id])} onChange={(e) => setChosen({ ...chosen, [i.id]: e.currentTarget.checked })} />{' '}
              {i.case_number} · {i.description}
            </label>
          ))}
          <Field label="Referência do envio" path="factory_reference" errors={{}} value={reference} onInput={(e) => setReference(e.currentTarget.value)} />
          <div class="form-actions">
            <button type="submit" class="btn" disabled={action.busy || !waiting.some((i) => chosen[i.id])}>
              Marcar como enviadas
            </button>
          </div>
        </form>
      )}
    </section>
  )
}

function Dossier({ claim, setClaim, timeZone }) {
  const [emailing, setEmailing] = useState(false)
  const [factory, setFactory] = useState(null)
  const [emails, setEmails] = useState([])
  const caseId = Math.min(...claim.items.map((i) => i.case_id))
  useEffect(() => {
    storeSuppliers(claim.store_id).then(
      (all) => setFactory(all.find((s) => s.id === claim.supplier_id) || null),
      () => {},
    )
  }, [claim.store_id, claim.supplier_id])
  const ids = claim.email_ids.join(',')
  useEffect(() => {
    if (!ids) return
    officeApi.get(`/api/cases/${caseId}/documents/emails`).then(
      (all) => setEmails(all.filter((e) => ids.split(',').includes(e.id))),
      () => {},
    )
  }, [ids, caseId])
  const defaults = {
    recipients: factory?.claim_emails || [],
    subject: `Reclamação ${claim.number}`,
    message: `Olá, ${claim.supplier.name}.\n\nSegue em anexo a reclamação ${claim.number}, com os itens, os dados dos contratos e as fotos da constatação técnica.\nPor favor, informe o número de protocolo e o prazo de resposta.`,
  }
  return (
    <section class="card" aria-labelledby="dossier-title" data-testid="claim-dossier">
      <h2 id="dossier-title">Dossiê</h2>
      <div class="actions">
        <a class="btn" href={`/api/claims/${claim.id}/dossier.pdf`} target="_blank" rel="noopener" data-testid="dossier-link">
          Visualizar
        </a>
        {!emailing && (
          <button type="button" class="btn" onClick={() => setEmailing(true)}>
            Enviar por e-mail
          </button>
        )}
      </div>
      {emailing && (
        <EmailForm
          key={factory?.id || 'none'}
          id="claim-email"
          label="Enviar o dossiê por e-mail"
          defaults={defaults}
          send={(email) => officeApi.post(`/api/claims/${claim.id}/dossier/email`, email)}
          onSent={(sent) => {
            setEmailing(false)
            setClaim({ ...claim, email_ids: [...claim.email_ids, sent.id] })
            setEmails([...emails, sent])
          }}
          onCancel={() => setEmailing(false)}
        />
      )}
      {emails.length > 0 && (
        <ul class="plain-list" data-testid="claim-emails">
          {emails.map((e) => (
            <li key={e.id}>
              {formatDateTime(e.created_at, timeZone)} · {e.recipients.join(', ')} · <strong>{labelOf('email_status', e.status)}</strong>
              {e.last_error ? ` (${e.last_error})` : ''}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

export function ClaimPage({ id, timeZone }) {
  const [claim, setClaim] = useState(null)
  const [error, setError] = useState('')
  useEffect(() => {
    officeApi.get(`/api/claims/${id}`).then(setClaim, (e) => setError(problemOf(e).message))
  }, [id])
  const number = claim?.number
  useEffect(() => {
    if (number) document.title = `Reclamação ${number} — Assistec`
  }, [number])
  if (error)
    return (
      <p class="notice notice-error" role="alert">
        {error} <a href="/escritorio/reclamacoes">Voltar a Reclamações</a>
      </p>
    )
  if (!claim) return <p role="status">Carregando…</p>
  const answerable = ANSWER_STATUSES.includes(claim.status)
  return (
    <>
      <p class="small">
        <a href="/escritorio/reclamacoes">← Reclamações</a>
      </p>
      <div class="screen-head">
        <h1 class="screen-title">
          Reclamação {claim.number} · {claim.supplier.name}
        </h1>
        <span class="chip" data-testid="claim-status">
          {claim.status_label}
        </span>
      </div>
      <dl class="card facts">
        <dt>Protocolo da fábrica</dt>
        <dd>{claim.factory_reference || '—'}</dd>
        <dt>Enviada em</dt>
        <dd>{claim.sent_at ? formatDateTime(claim.sent_at, timeZone) : '—'}</dd>
        <dt>Respondida em</dt>
        <dd>{claim.answered_at ? formatDateTime(claim.answered_at, timeZone) : '—'}</dd>
        <dt>Reclamado</dt>
        <dd>{money(claim.claimed)}</dd>
      </dl>
      <section class="card" aria-labelledby="claim-items-title">
        <h2 id="claim-items-title">Itens</h2>
        <Items claim={claim} />
      </section>
      <div class="record-grid">
        <Moves key={`m${claim.version}`} claim={claim} setClaim={setClaim} />
        <Dossier claim={claim} setClaim={setClaim} timeZone={timeZone} />
      </div>
      {answerable && <Answers key={`a${claim.version}`} claim={claim} setClaim={setClaim} />}
      <div class="record-grid">
        <Credits claim={claim} setClaim={setClaim} />
        <Shipments claim={claim} setClaim={setClaim} />
      </div>
    </>
  )
}
