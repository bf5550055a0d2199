// "Relatório da visita": after the check-out has reached the server, the technician downloads the
// report or has it e-mailed to the customer (the server's pre-filled message, editable here).
import { useState } from 'preact/hooks'
import { emailReport, reportBlocker, reportEmailDefaults, reportPdfUrl } from '../data/documents.js'
import { problemOf } from '../data/problem.js'
import { api } from '../data/session.js'
import { EmailForm } from './EmailForm.jsx'
import { ProblemNotice } from './fields.jsx'
import { useOnline } from './SyncBar.jsx'

const WAITING = {
  unsent: 'O relatório fica disponível quando a visita e as ocorrências forem enviadas ao servidor.',
  offline: 'Sem conexão: o relatório pode ser baixado ou enviado quando houver sinal.',
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
      setProblem(problemOf(error))
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
          <ProblemNotice problem={problem} />
          {defaults ? (
            <EmailForm
              id="report-email"
              label="Enviar o relatório por e-mail"
              defaults={defaults}
              send={(email) => emailReport(api, visit, email)}
              onCancel={() => setDefaults(null)}
              onSent={(text) => {
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
