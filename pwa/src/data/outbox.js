// Pendências: what waits in the outbox and what the server refused. Nothing here happens
// without the technician's explicit choice; the screens call these on a button press.
import { RECORD_TABLES } from './db.js'
import { record } from './mutations.js'
import { rebase } from './apply-pull.js'

const TABLES = ['outbox', 'blobs', 'rejections', 'meta', ...RECORD_TABLES]

/** An entry that was never pushed may still change or go: no mutation id means the server never saw it. */
export function isEditable(entry) {
  return entry.mutation_id == null
}

/** Replace the arguments of an entry not pushed yet (the same intent, corrected). */
export async function editPending(db, seq, args) {
  await db.transaction('rw', TABLES, async () => {
    const entry = await db.outbox.get(seq)
    if (!entry || !isEditable(entry)) throw new Error('Esta alteração já foi enviada e não pode mais ser editada.')
    await db.outbox.update(seq, { args })
  })
  await rebase(db)
}

export async function discardPending(db, seq) {
  await db.transaction('rw', TABLES, async () => {
    const entry = await db.outbox.get(seq)
    if (!entry || !isEditable(entry)) throw new Error('Esta alteração já foi enviada e não pode mais ser descartada.')
    await db.blobs.bulkDelete(entry.blob_ids || [])
    await db.outbox.delete(seq)
  })
  await rebase(db)
}

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
