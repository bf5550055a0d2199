// Pendências: what waits in the outbox and what the server refused. Nothing here happens
// without the technician's explicit choice; the screens call these on a button press.
import { ApiError, NetworkError } from './api.js'
import { RECORD_TABLES, setMeta } from './db.js'
import { record } from './mutations.js'
import { rebase } from './apply-pull.js'
import { noteServerLast, pushBody } from './sync.js'

const TABLES = ['outbox', 'blobs', 'rejections', 'meta', ...RECORD_TABLES]

// An entry's state, as Pendências says it:
//   waiting   "aguardando envio": no push containing it has been answered yet (it may carry a
//             mutation id from an attempt whose answer never came)
//   sent      "enviado, aguardando confirmação": the server answered with last_mutation_id >= its
//             id, so it is applied or refused there; the next pull removes it or lists the refusal
// A waiting entry can be edited or discarded. If it was numbered, the server may have applied it
// from a request whose answer was lost: under the sync lock (no push in flight) the server is
// asked for its last_mutation_id (an empty push) before anything changes; an entry not applied is
// edited in place, or discarded and every later unapplied entry loses its number, so the next
// push numbers them again from the server's last id and no gap appears.

export const WAITING = 'waiting'
export const SENT = 'sent'

export function entryState(entry) {
  return entry.answered ? SENT : WAITING
}

/** Worth offering Editar/Descartar (the server is still asked before a numbered entry changes). */
export const isEditable = (entry) => entryState(entry) === WAITING

/** Shown in Pendências (and thrown) when the choice cannot be honoured. */
export class OutboxError extends Error {}

const ARRIVED = 'Já chegou ao escritório: não pode mais ser alterada daqui. Ela some desta lista na próxima sincronização.'
const UNKNOWN =
  'Sem conexão com o servidor: não dá para saber se esta alteração já chegou ao escritório. ' + 'Ela continua guardada; tente de novo quando houver sinal.'

let server = null

/** How outbox.js reaches the server to ask about numbered entries: the app's api and sync engine. */
export function connectOutbox(deps) {
  server = deps
}

/** The server's last_mutation_id, asked now with an empty push (inside the sync lock). */
async function askServerLast(db, api) {
  try {
    const answer = await api.post('/api/sync/push', await pushBody(db, []))
    await noteServerLast(db, answer.last_mutation_id)
    return answer.last_mutation_id
  } catch (error) {
    if (error instanceof NetworkError || (error instanceof ApiError && error.status >= 500)) throw new OutboxError(UNKNOWN)
    throw error
  }
}

/** Run `change(entry, serverLast)` on an entry the server has certainly not applied, then rebase. */
async function withUnapplied(db, seq, change, deps = server) {
  if ((await db.outbox.get(seq))?.answered) throw new OutboxError(ARRIVED)
  const run = async () => {
    let serverLast = null
    if ((await db.outbox.get(seq))?.mutation_id != null) {
      // Numbered: a request carrying it may have landed without an answer. Ask before touching it.
      if (!deps) throw new OutboxError(UNKNOWN)
      serverLast = await askServerLast(db, deps.api)
    }
    await db.transaction('rw', TABLES, async () => {
      const entry = await db.outbox.get(seq)
      if (!entry) throw new OutboxError('Esta alteração não está mais na lista de pendências.')
      if (entry.mutation_id != null && (serverLast == null || entry.mutation_id <= serverLast)) throw new OutboxError(ARRIVED)
      await change(entry, serverLast)
    })
  }
  // The sync lock: no push numbers or sends entries while they change.
  await (deps ? deps.sync.exclusive(run) : run())
  await rebase(db)
}

/** Forget the numbers of entries the server has not applied; the next push numbers them again. */
async function unnumberAfter(db, serverLast) {
  await db.outbox.where('mutation_id').above(serverLast).modify({ mutation_id: null, answered: false })
  await setMeta(db, 'next_mutation_id', serverLast + 1)
}

/** Replace the arguments of an entry not applied yet (the same intent, corrected). */
export function editPending(db, seq, args, deps) {
  return withUnapplied(db, seq, (entry) => db.outbox.update(entry.seq, { args }), deps)
}

export function discardPending(db, seq, deps) {
  return withUnapplied(
    db,
    seq,
    async (entry, serverLast) => {
      await db.blobs.bulkDelete(entry.blob_ids || [])
      await db.outbox.delete(entry.seq)
      if (entry.mutation_id != null) await unnumberAfter(db, serverLast)
    },
    deps,
  )
}

/** A refusal a resend could change; `retryable: false` (e.g. already checked in) is information only. */
export const canResend = (rejection) => rejection.retryable !== false

/** Send a refused mutation again (its arguments possibly corrected) as a new outbox entry. */
export async function resendRejection(db, mutationId, args) {
  return db.transaction('rw', TABLES, async () => {
    const rejection = await db.rejections.get(mutationId)
    if (!rejection) return null
    const blobs = (await db.blobs.bulkGet(rejection.blob_ids || [])).filter(Boolean)
    await db.rejections.delete(mutationId)
    return record(db, rejection.name, args ?? rejection.args, { blobs, summary: rejection.summary })
  })
}

export async function discardRejection(db, mutationId) {
  await db.transaction('rw', TABLES, async () => {
    const rejection = await db.rejections.get(mutationId)
    if (!rejection) return
    await db.blobs.bulkDelete(rejection.blob_ids || [])
    await db.rejections.delete(mutationId)
  })
}
