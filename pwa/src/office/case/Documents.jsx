// Documentos: each kind the server offers (Solicitação de Assistência, Relatório de Visita, Pedido
// de Peças) with its layouts (the default chosen), the visit or order it needs, "Visualizar /
// Imprimir" (the PDF in a new tab) and "Enviar por e-mail" (pre-filled by the server), and the
// e-mails sent from the case with where each stands. Two requests: the options and the e-mails;
// while an e-mail is queued, the e-mails are asked again every few seconds until it is sent or failed.
import { useEffect, useState } from 'preact/hooks'
import { EmailForm } from '../../components/EmailForm.jsx'
import { LABELS } from '../../data/labels.js'
import { formatDateTime } from '../../lib/format.js'
import { officeApi } from '../api.js'
import { Loading, useLoad } from './common.jsx'
import { emailBody, initialChoice, pdfUrl, POLL_MS, ready, stillQueued } from './documents.js'

const TARGET_LABEL = { appointment_id: 'Visita', order_id: 'Pedido' }

function DocumentEmail({ kase, kind, choice, onSent, onCancel }) {
  // A parts order's e-mail is its supplier's (each order has its own); the others, the kind's.
  const defaults = kind.targets.find((t) => String(t.id) === choice.target)?.email || kind.email
  const send = (email) => officeApi.post(`/api/cases/${kase.id}/documents/${kind.kind}/email`, emailBody(kind, choice, email))
  return <EmailForm id={`email-${kind.kind}`} label={`Enviar ${kind.label} por e-mail`} defaults={defaults} send={send} onSent={onSent} onCancel={onCancel} />
}

function KindCard({ kase, kind, onSent }) {
  const [choice, setChoice] = useState(() => initialChoice(kind))
  const [emailing, setEmailing] = useState(false)
  const set = (name) => (event) => setChoice({ ...choice, [name]: event.currentTarget.value })
  const canUse = ready(kind, choice)
  const id = `doc-${kind.kind}`
  return (
    <section class="card doc-kind" aria-labelledby={id} data-testid={`document-${kind.kind}`}>
      <h2 id={id}>{kind.label || LABELS.document_kind[kind.kind]}</h2>
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
        <DocumentEmail
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
                  <td>{LABELS.document_kind[e.kind] || e.kind}</td>
                  <td>{e.recipients.join(', ')}</td>
                  <td>{e.subject}</td>
                  <td>
                    <span class={`chip ${e.status === 'sent' ? 'chip-done' : e.status === 'failed' ? 'chip-cancelled' : 'chip-scheduled'}`}>
                      {LABELS.email_status[e.status] || e.status}
                    </span>
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
    // eslint-disable-next-line react-hooks/exhaustive-deps -- each new answer decides whether to ask again
  }, [data])
  if (!data) return <Loading error={error} what="os documentos" />
  const [options, emails] = data
  const sent = async (email) => {
    setNotice(`E-mail para ${email.recipients.join(', ')}: ${LABELS.email_status[email.status]?.toLowerCase() || email.status}.`)
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
