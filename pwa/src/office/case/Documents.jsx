// Documentos: each kind the server offers (Solicitação de Assistência, Relatório de Visita, Pedido
// de Peças) with its layouts (the default chosen), the visit or order it needs, "Visualizar /
// Imprimir" (the PDF in a new tab) and "Enviar por e-mail" (pre-filled by the server), and the
// e-mails sent from the case with where each stands. Two requests: the options and the e-mails;
// while an e-mail is queued, the e-mails are asked again every few seconds until it is sent or failed.
import { useEffect, useRef, useState } from 'preact/hooks'
import { formatDateTime } from '../../lib/format.js'
import { officeApi } from '../api.js'
import { problemOf } from '../errors.js'
import { Field, ProblemNotice } from '../fields.jsx'
import { Loading, NO_PROBLEM, useLoad } from './common.jsx'
import { EMAIL_STATUS, emailBody, initialChoice, pdfUrl, POLL_MS, ready, stillQueued } from './documents.js'

const KIND_NAMES = { service_request: 'Solicitação de Assistência', visit_report: 'Relatório de Visita', parts_order: 'Pedido de Peças' }
const TARGET_LABEL = { appointment_id: 'Visita', order_id: 'Pedido' }

/** Recipients' messages come as recipients.0, recipients.1…: show them at the one field. */
function recipientErrors(fields) {
  const messages = Object.entries(fields || {})
    .filter(([path]) => path === 'recipients' || path.startsWith('recipients.'))
    .flatMap(([, m]) => [].concat(m))
  return messages.length ? { ...fields, recipients: messages } : fields
}

function EmailForm({ kase, kind, choice, onSent, onCancel }) {
  // A parts order's e-mail is its supplier's (each order has its own); the others, the kind's.
  const defaults = kind.targets.find((t) => String(t.id) === choice.target)?.email || kind.email
  const [email, setEmail] = useState({ recipients: defaults.recipients.join(', '), subject: defaults.subject, message: defaults.message })
  const [problem, setProblem] = useState(NO_PROBLEM)
  const [busy, setBusy] = useState(false)
  const summary = useRef(null)
  const set = (name) => (event) => setEmail({ ...email, [name]: event.currentTarget.value })
  const fields = recipientErrors(problem.fields)
  const prefix = `email-${kind.kind}`

  async function submit(event) {
    event.preventDefault()
    setBusy(true)
    try {
      onSent(await officeApi.post(`/api/cases/${kase.id}/documents/${kind.kind}/email`, emailBody(kind, choice, email)))
    } catch (error) {
      setProblem(problemOf(error))
      setBusy(false)
      requestAnimationFrame(() => summary.current?.focus())
    }
  }
  const shown = ['recipients', 'subject', 'message', ...Object.keys(fields).filter((p) => p.startsWith('recipients.'))]
  return (
    <form class="form office-form email-form" onSubmit={submit} noValidate data-testid="email-form" aria-label={`Enviar ${kind.label} por e-mail`}>
      <ProblemNotice problem={problem} shown={shown} noticeRef={summary} />
      <Field label="Destinatários" path={`${prefix}.recipients`} errors={{ [`${prefix}.recipients`]: fields.recipients }} value={email.recipients} onInput={set('recipients')} hint="Separe os endereços por vírgula." />
      <Field label="Assunto" path={`${prefix}.subject`} errors={{ [`${prefix}.subject`]: fields.subject }} value={email.subject} onInput={set('subject')} />
      <Field label="Mensagem" path={`${prefix}.message`} errors={{ [`${prefix}.message`]: fields.message }} as="textarea" rows={5} value={email.message} onInput={set('message')} />
      <div class="form-actions">
        <button type="button" class="btn btn-ghost" onClick={onCancel}>
          Cancelar
        </button>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? 'Enviando…' : 'Enviar'}
        </button>
      </div>
    </form>
  )
}

function KindCard({ kase, kind, onSent }) {
  const [choice, setChoice] = useState(() => initialChoice(kind))
  const [emailing, setEmailing] = useState(false)
  const set = (name) => (event) => setChoice({ ...choice, [name]: event.currentTarget.value })
  const canUse = ready(kind, choice)
  const id = `doc-${kind.kind}`
  return (
    <section class="card doc-kind" aria-labelledby={id} data-testid={`document-${kind.kind}`}>
      <h2 id={id}>{kind.label || KIND_NAMES[kind.kind]}</h2>
      <div class="grid form">
        <label class="span-3" for={`${id}-layout`}>
          Layout
          <select id={`${id}-layout`} value={choice.layout} onChange={set('layout')}>
            {kind.layouts.map((l) => (
              <option key={l.id} value={String(l.id)}>
                {l.name}
                {l.is_default && !/padrão/i.test(l.name) ? ' (padrão)' : ''}
              </option>
            ))}
          </select>
        </label>
        {kind.needs && (
          <label class="span-3" for={`${id}-target`}>
            {TARGET_LABEL[kind.needs] || 'Registro'}
            <select id={`${id}-target`} value={choice.target} onChange={set('target')} disabled={!kind.targets.length}>
              {kind.targets.length === 0 && <option value="">{kind.needs === 'order_id' ? 'Nenhum pedido' : 'Nenhuma visita'}</option>}
              {kind.targets.map((t) => (
                <option key={t.id} value={String(t.id)}>
                  {t.label}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <div class="actions">
        {canUse ? (
          <a class="btn" href={pdfUrl(kase.id, kind, choice)} target="_blank" rel="noopener" data-testid="print-link">
            Visualizar / Imprimir
          </a>
        ) : (
          <span class="muted">{kind.needs === 'order_id' ? 'Gere um pedido para imprimi-lo.' : 'Nenhuma visita para o relatório.'}</span>
        )}
        {canUse && !emailing && (
          <button type="button" class="btn" onClick={() => setEmailing(true)}>
            Enviar por e-mail
          </button>
        )}
      </div>
      {emailing && (
        <EmailForm
          key={choice.target}
          kase={kase}
          kind={kind}
          choice={choice}
          onCancel={() => setEmailing(false)}
          onSent={(sent) => {
            setEmailing(false)
            onSent(sent)
          }}
        />
      )}
    </section>
  )
}

function Emails({ emails, timeZone, onRefresh }) {
  return (
    <section class="card" aria-labelledby="emails-title">
      <div class="section-head">
        <h2 id="emails-title">E-mails enviados</h2>
        {/* a queued e-mail is sent by a background job: the list asks again on its own while one is queued */}
        <button type="button" class="btn btn-small" onClick={onRefresh}>
          Atualizar
        </button>
      </div>
      {emails.length === 0 ? (
        <p class="muted">Nenhum documento enviado por e-mail.</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">Quando</th>
                <th scope="col">Documento</th>
                <th scope="col">Para</th>
                <th scope="col">Assunto</th>
                <th scope="col">Situação</th>
              </tr>
            </thead>
            <tbody>
              {emails.map((e) => (
                <tr key={e.id} data-testid="email-row">
                  <td class="nowrap">{formatDateTime(e.created_at, timeZone)}</td>
                  <td>{KIND_NAMES[e.kind] || e.kind}</td>
                  <td>{e.recipients.join(', ')}</td>
                  <td>{e.subject}</td>
                  <td>
                    <span class={`chip ${e.status === 'sent' ? 'chip-done' : e.status === 'failed' ? 'chip-cancelled' : 'chip-scheduled'}`}>{EMAIL_STATUS[e.status] || e.status}</span>
                    {e.status === 'failed' && e.last_error && <span class="muted"> {e.last_error}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

export function Documents({ kase, timeZone }) {
  const [{ data, error }, reload] = useLoad([`/api/cases/${kase.id}/documents`, `/api/cases/${kase.id}/documents/emails`], [kase.id])
  const [notice, setNotice] = useState('')
  const queued = data ? stillQueued(data[1]) : false
  useEffect(() => {
    if (!queued) return undefined
    const timer = setTimeout(reload, POLL_MS)
    return () => clearTimeout(timer)
  }, [data])
  if (!data) return <Loading error={error} what="os documentos" />
  const [options, emails] = data
  const sent = async (email) => {
    setNotice(`E-mail para ${email.recipients.join(', ')}: ${EMAIL_STATUS[email.status]?.toLowerCase() || email.status}.`)
    await reload()
  }
  return (
    <div class="case-documents">
      {notice && (
        <p class="notice" role="status" data-testid="email-notice">
          {notice}
        </p>
      )}
      <div class="doc-kinds">
        {options.kinds.map((kind) => (
          <KindCard key={kind.kind} kase={kase} kind={kind} onSent={sent} />
        ))}
      </div>
      <Emails emails={emails} timeZone={timeZone} onRefresh={reload} />
    </div>
  )
}
