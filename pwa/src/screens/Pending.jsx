// Pendências: what waits to be sent and what the server refused. Each item can be corrected,
// resent or discarded — but only when the technician says so, never on its own.
import { discardPending, discardRejection, isEditable, resendRejection } from '../data/outbox.js'
import { db, sync } from '../data/session.js'
import { formatDateTime } from '../lib/format.js'
import { useLive } from '../lib/live.js'

const NAMES = {
  'appointment.check_in.v1': 'Check-in',
  'appointment.check_out.v1': 'Check-out',
  'appointment.notes.v1': 'Observação da visita',
  'occurrence.create.v1': 'Nova ocorrência',
  'occurrence.update.v1': 'Alteração de ocorrência',
  'occurrence_item.upsert.v1': 'Item de ocorrência',
  'occurrence_item.delete.v1': 'Remoção de item',
  'attachment.link.v1': 'Foto',
}

const title = (entry) =>
  entry.name === 'attachment.link.v1' && entry.args.signer_name ? 'Assinatura do cliente' : NAMES[entry.name] || entry.name

async function describe(entry) {
  const args = entry.args
  let visit = null
  if (args.appointment_id) visit = await db.appointments.get(args.appointment_id)
  if (!visit && args.occurrence_id) {
    const occurrence = await db.occurrences.get(args.occurrence_id)
    if (occurrence?.appointment_id) visit = await db.appointments.get(occurrence.appointment_id)
  }
  const kase = visit ? (await db.cases.get(visit.case_id)) || visit.case : args.case_id ? await db.cases.get(args.case_id) : null
  const parts = kase ? [kase.number, kase.customer?.name].filter(Boolean) : [entry.summary].filter(Boolean)
  if (entry.name === 'occurrence.create.v1') {
    parts.push(`${(args.items || []).length} item(ns), ${(args.attachment_ids || []).length} foto(s)`)
  }
  if (args.signer_name) parts.push(`assinada por ${args.signer_name}`)
  return parts.join(' · ')
}

export function Pending({ timeZone }) {
  const data = useLive(async () => {
    const outbox = await db.outbox.orderBy('seq').toArray()
    const rejections = await db.rejections.toArray()
    return {
      outbox: await Promise.all(outbox.map(async (e) => ({ ...e, text: await describe(e) }))),
      rejections: await Promise.all(rejections.map(async (e) => ({ ...e, text: await describe(e) }))),
    }
  }, [])
  if (!data) return <main />

  const ask = (text) => window.confirm(text)

  return (
    <main>
      <h1 class="screen-title">Pendências</h1>

      <section>
        <h2 class="section-title">Recusadas pelo servidor</h2>
        {data.rejections.length === 0 && <p class="muted">Nenhuma.</p>}
        <ul class="plain">
          {data.rejections.map((r) => (
            <li class="card pending-item" key={r.mutation_id} data-testid="rejection">
              <strong>{title(r)}</strong>
              <span class="muted small">{r.text}</span>
              <div class="notice notice-error">
                <p>{r.message}</p>
                {r.errors && (
                  <ul>
                    {Object.values(r.errors)
                      .flat()
                      .map((text) => (
                        <li key={text}>{text}</li>
                      ))}
                  </ul>
                )}
              </div>
              <div class="actions">
                {r.name === 'occurrence.create.v1' ? (
                  <a class="btn btn-small" href={`/pendencias/recusada/${r.mutation_id}`}>
                    Corrigir e reenviar
                  </a>
                ) : (
                  <button type="button" class="btn btn-small" onClick={() => resendRejection(db, r.mutation_id).then(() => sync.soon(0))}>
                    Reenviar
                  </button>
                )}
                <button
                  type="button"
                  class="btn btn-small btn-danger"
                  onClick={() => ask('Descartar de vez? Isto não será enviado ao escritório.') && discardRejection(db, r.mutation_id)}
                >
                  Descartar
                </button>
              </div>
            </li>
          ))}
        </ul>
      </section>

      <section>
        <h2 class="section-title">Aguardando envio</h2>
        {data.outbox.length === 0 && <p class="muted">Nada pendente: tudo foi enviado.</p>}
        <ul class="plain">
          {data.outbox.map((e) => (
            <li class="card pending-item" key={e.seq} data-testid="pending">
              <strong>{title(e)}</strong>
              <span class="muted small">{e.text}</span>
              <span class="muted small">
                Registrado em {formatDateTime(e.client_time, timeZone)}
                {isEditable(e) ? '' : ' · enviado, aguardando confirmação'}
              </span>
              {isEditable(e) && (
                <div class="actions">
                  {e.name === 'occurrence.create.v1' && (
                    <a class="btn btn-small" href={`/pendencias/editar/${e.seq}`}>
                      Editar
                    </a>
                  )}
                  <button
                    type="button"
                    class="btn btn-small btn-danger"
                    onClick={() => ask('Descartar esta alteração? Ela não será enviada.') && discardPending(db, e.seq)}
                  >
                    Descartar
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      </section>
    </main>
  )
}
