// "Relatório da visita": after the check-out has reached the server, the technician downloads the
// report or has it e-mailed to the customer (the server's pre-filled message, editable here).
import { useState } from 'preact/hooks'
import { emailReport, parseRecipients, problemLines, reportBlocker, reportEmailDefaults, reportPdfUrl } from '../data/documents.js'
import { api } from '../data/session.js'
import { useOnline } from './SyncBar.jsx'

const WAITING = {
  unsent: 'O relatório fica disponível quando a visita e as ocorrências forem enviadas ao servidor.',
  offline: 'Sem conexão: o relatório pode ser baixado ou enviado quando houver sinal.',
}

function Problem({ lines }) {
  return (
    <div class="notice notice-error" role="alert">
      <p>{lines[0]}</p>
      {lines.length > 1 && (
        <ul>
          {lines.slice(1).map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </div>
  )
}

function EmailForm({ visit, defaults, onDone, onCancel }) {
  const [recipients, setRecipients] = useState(defaults.recipients.join(', '))
  const [subject, setSubject] = useState(defaults.subject)
  const [message, setMessage] = useState(defaults.message)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState(null)
  const submit = async (event) => {
    event.preventDefault()
    if (!parseRecipients(recipients).length) return setProblem(['Informe ao menos um e-mail.'])
    setBusy(true)
    setProblem(null)
    try {
      onDone(await emailReport(api, visit, { recipients, subject, message }))
    } catch (error) {
      setProblem(problemLines(error))
      setBusy(false)
    }
  }
  return (
    <form class="form" onSubmit={submit}>
      <label>
        Para
        <input type="text" inputmode="email" name="recipients" value={recipients} onInput={(e) => setRecipients(e.currentTarget.value)} />
      </label>
      <label>
        Assunto
        <input type="text" name="subject" maxlength="200" value={subject} onInput={(e) => setSubject(e.currentTarget.value)} />
      </label>
      <label>
        Mensagem
        <textarea name="message" rows="6" maxlength="5000" value={message} onInput={(e) => setMessage(e.currentTarget.value)} />
      </label>
      {problem && <Problem lines={problem} />}
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

export function VisitReport({ visit, occurrences }) {
  const online = useOnline()
  const [defaults, setDefaults] = useState(null)
  const [problem, setProblem] = useState(null)
  const [sent, setSent] = useState(null)
  const [loading, setLoading] = useState(false)
  const blocker = reportBlocker(visit, occurrences, online)
  if (blocker === 'not-done') return null

  const openForm = async () => {
    setLoading(true)
    setProblem(null)
    setSent(null)
    try {
      setDefaults(await reportEmailDefaults(api, visit))
    } catch (error) {
      setProblem(problemLines(error))
    }
    setLoading(false)
  }

  return (
    <section class="card" aria-labelledby="report-title" data-testid="visit-report">
      <h2 id="report-title">Relatório da visita</h2>
      {blocker ? (
        <p class="muted">{WAITING[blocker]}</p>
      ) : (
        <>
          {sent && (
            <p class="notice" role="status">
              {sent}
            </p>
          )}
          {problem && <Problem lines={problem} />}
          {defaults ? (
            <EmailForm
              visit={visit}
              defaults={defaults}
              onCancel={() => setDefaults(null)}
              onDone={(text) => {
                setSent(text)
                setDefaults(null)
              }}
            />
          ) : (
            <div class="actions">
              <a class="btn" href={reportPdfUrl(visit)} download>
                Baixar relatório (PDF)
              </a>
              <button type="button" class="btn" onClick={openForm} disabled={loading}>
                Enviar ao cliente por e-mail
              </button>
            </div>
          )}
        </>
      )}
    </section>
  )
}
