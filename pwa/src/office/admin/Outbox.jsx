// E-mails enviados: what the server wrote to its mail folder (the embedded default, with no SMTP
// server set), newest first, in one request.
import { useEffect, useState } from 'preact/hooks'
import { officeApi } from '../api.js'
import { problemOf } from '../../data/problem.js'
import { mailDate } from './outbox.js'

export function Outbox({ timeZone }) {
  const [entries, setEntries] = useState(null)
  const [error, setError] = useState(null)
  useEffect(() => {
    officeApi.get('/api/mail/outbox').then(setEntries, (e) => setError(problemOf(e).message))
  }, [])
  return (
    <>
      <h1 class="screen-title">E-mails enviados</h1>
      <p class="muted">
        Mensagens gravadas pelo servidor na pasta de e-mails (quando não há servidor SMTP configurado). Com SMTP, elas seguem direto e não aparecem aqui.
      </p>
      {error && (
        <p class="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {!entries && !error && <p role="status">Carregando os e-mails…</p>}
      {entries && !entries.length && <p class="card muted">Nenhum e-mail enviado ainda.</p>}
      {entries && entries.length > 0 && (
        <div class="table-wrap">
          <table class="table outbox">
            <caption class="visually-hidden">E-mails enviados, do mais recente ao mais antigo</caption>
            <thead>
              <tr>
                <th scope="col">Data</th>
                <th scope="col">Destinatários</th>
                <th scope="col">Assunto</th>
                <th scope="col">Anexo</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.name} data-testid="outbox-row">
                  <td class="nowrap">{mailDate(entry.date, timeZone)}</td>
                  <td class="break">{entry.to.join(', ')}</td>
                  <td>{entry.subject}</td>
                  <td class="break">{(entry.attachments || []).join(', ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  )
}
