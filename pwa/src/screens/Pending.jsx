// Pendências: what waits to be sent and what the server refused. Each item can be corrected,
// resent or discarded — but only when the technician says so, never on its own. Each entry says
// where it really is (outbox.js): "aguardando envio" until the server answered a push with it,
// then "enviado, aguardando confirmação"; its photos say how many reached the server.
import { useEffect, useState } from 'preact/hooks'
import { photoProgress, useSyncState } from '../components/SyncBar.jsx'
import { canResend, discardPending, discardRejection, entryState, resendRejection, SENT } from '../data/outbox.js'
import { getMeta } from '../data/db.js'
import { db, sync } from '../data/session.js'
import { formatDateTime } from '../lib/format.js'
import { useLive } from '../lib/live.js'

const NAMES = {
  'appointment.check_in.v1': 'Check-in',
  'appointment.check_out.v1': 'Check-out',
  'appointment.notes.v1': 'Observação da visita',
  'appointment.technician_notes.v1': 'Observação da visita',
  'occurrence.create.v1': 'Nova ocorrência',
  'occurrence.update.v1': 'Alteração de ocorrência',
  'occurrence_item.upsert.v1': 'Item de ocorrência',
  'occurrence_item.delete.v1': 'Remoção de item',
  'attachment.link.v1': 'Foto',
}

const title = (entry) => (entry.name === 'attachment.link.v1' && entry.args.signer_name ? 'Assinatura do cliente' : NAMES[entry.name] || entry.name)

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

/** Which of the entry's photos (and signature) the server already has. */
async function photosOf(entry) {
  const ids = entry.blob_ids || []
  if (!ids.length) return null
  const blobs = await db.blobs.bulkGet(ids)
  // A blob gone from the phone was confirmed (or never kept): the server has it.
  return { ids, done: blobs.filter((b) => !b || b.uploaded).length, total: ids.length }
}

function PhotoState({ photos, uploading }) {
  if (!photos) return null
  const current = uploading && photos.ids.includes(uploading.current) ? uploading : null
  const text = current
    ? photoProgress({ ...current, done: photos.done, total: photos.total })
    : `${photos.done} de ${photos.total} ${photos.total === 1 ? 'foto enviada' : 'fotos enviadas'}`
  return (
    <span class="small photo-state" data-testid="photo-state">
      {text}
      {current && (
        <progress max={current.size || 1} value={current.loaded} aria-label="Envio da foto atual">
          {photoProgress(current)}
        </progress>
      )}
    </span>
  )
}

const ask = (text) => window.confirm(text)

function Rejection({ r }) {
  // A refusal a resend cannot change (the visit was already started elsewhere): information only.
  const resolved = !canResend(r)
  return (
    <li class="card pending-item" data-testid="rejection" data-retryable={String(!resolved)}>
      <strong>{title(r)}</strong>
      <span class="muted small">{r.text}</span>
      <div class={`notice ${resolved ? 'notice-info' : 'notice-error'}`}>
        <p>{r.message}</p>
        {resolved && <p class="small">Nada a reenviar: o escritório já tem a situação atual.</p>}
        {!resolved && r.errors && (
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
        {resolved ? (
          <button
            type="button"
            class="btn btn-small"
            onClick={() =>
              // Photos or a new occurrence go with it: never lost on one tap.
              (!(r.blob_ids?.length || r.name === 'occurrence.create.v1') ||
                ask('O que foi registrado aqui (texto e fotos) será apagado do aparelho. Continuar?')) &&
              discardRejection(db, r.mutation_id)
            }
          >
            Entendi
          </button>
        ) : (
          <>
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
          </>
        )}
      </div>
    </li>
  )
}

const STORAGE_TEXT = {
  true: 'O navegador protege estes dados: não os apaga nem quando falta espaço no aparelho.',
  false:
    'O navegador pode apagar estes dados se faltar espaço no aparelho. Envie as pendências assim que tiver sinal; instalar o app na tela inicial ajuda a protegê-los.',
  null: 'Este navegador não informa se protege estes dados; envie as pendências assim que tiver sinal.',
}

/** Whether the browser promised to keep this phone's data (asked at login), and the space used. */
function StorageNote() {
  const persisted = useLive(() => getMeta(db, 'storage_persisted', null), [], undefined)
  const [estimate, setEstimate] = useState(null)
  useEffect(() => {
    navigator.storage?.estimate?.().then(setEstimate, () => {})
  }, [])
  if (persisted === undefined) return null
  const mb = (bytes) => (bytes / 1048576).toLocaleString('pt-BR', { maximumFractionDigits: 1 })
  return (
    <section>
      <h2 class="section-title">Armazenamento</h2>
      <p class="muted small" data-testid="storage-persisted" data-persisted={String(persisted)}>
        {STORAGE_TEXT[String(persisted)]}
      </p>
      {estimate?.quota > 0 && (
        <p class="muted small">
          Em uso: {mb(estimate.usage)} MB de {mb(estimate.quota)} MB disponíveis para o app.
        </p>
      )}
    </section>
  )
}

export function Pending({ timeZone }) {
  const data = useLive(async () => {
    const outbox = await db.outbox.orderBy('seq').toArray()
    const rejections = await db.rejections.toArray()
    return {
      outbox: await Promise.all(outbox.map(async (e) => ({ ...e, text: await describe(e), photos: await photosOf(e) }))),
      rejections: await Promise.all(rejections.map(async (e) => ({ ...e, text: await describe(e) }))),
    }
  }, [])
  const { photos: uploading } = useSyncState()
  const [problems, setProblems] = useState({}) // seq -> why the chosen change could not be made
  const [working, setWorking] = useState(null)
  if (!data) return <main />

  async function discard(entry) {
    if (!ask('Descartar esta alteração? Ela não será enviada.')) return
    setWorking(entry.seq)
    try {
      await discardPending(db, entry.seq)
    } catch (error) {
      setProblems((p) => ({ ...p, [entry.seq]: error.message }))
    } finally {
      setWorking(null)
    }
  }

  return (
    <main>
      <h1 class="screen-title">Pendências</h1>

      <section>
        <h2 class="section-title">Recusadas pelo servidor</h2>
        {data.rejections.length === 0 && <p class="muted">Nenhuma.</p>}
        <ul class="plain">
          {data.rejections.map((r) => (
            <Rejection key={r.mutation_id} r={r} />
          ))}
        </ul>
      </section>

      <section>
        <h2 class="section-title">Fila de envio</h2>
        {data.outbox.length === 0 && <p class="muted">Nada pendente: tudo foi enviado.</p>}
        <ul class="plain">
          {data.outbox.map((e) => {
            const sent = entryState(e) === SENT
            return (
              <li class="card pending-item" key={e.seq} data-testid="pending" data-state={entryState(e)}>
                <strong>{title(e)}</strong>
                <span class="muted small">{e.text}</span>
                <span class="muted small">
                  Registrado em {formatDateTime(e.client_time, timeZone)} ·{' '}
                  <span data-testid="entry-state">{sent ? 'enviado, aguardando confirmação' : 'aguardando envio'}</span>
                </span>
                <PhotoState photos={e.photos} uploading={uploading} />
                {sent && <span class="muted small">O servidor já recebeu; sai desta lista quando a sincronização confirmar.</span>}
                {problems[e.seq] && (
                  <p class="notice notice-error" role="alert">
                    {problems[e.seq]}
                  </p>
                )}
                {!sent && (
                  <div class="actions">
                    {e.name === 'occurrence.create.v1' && (
                      <a class="btn btn-small" href={`/pendencias/editar/${e.seq}`}>
                        Editar
                      </a>
                    )}
                    <button type="button" class="btn btn-small btn-danger" disabled={working === e.seq} onClick={() => discard(e)}>
                      Descartar
                    </button>
                  </div>
                )}
              </li>
            )
          })}
        </ul>
      </section>

      <StorageNote />
    </main>
  )
}
