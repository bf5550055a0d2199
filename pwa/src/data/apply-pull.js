// Applying a pull to the phone's records (docs/sync.md), the rules that keep local work on top:
// - every pull first puts locally changed rows back to the server's version, applies the pull,
//   then re-applies what is still in the outbox (rebase);
// - `reset` clears the records, never the outbox, the rejections or the photos;
// - an outbox entry leaves only when a pull answers last_mutation_id >= its id, and only after
//   the last page of the answer, when every row it brings has arrived;
// - rejections are kept as they arrive, by mutation id, in the same transaction as the new
//   cursor: the server sends one again until a pull comes with a cursor that followed it;
// - while a snapshot is paged, meta `first_sync` holds its progress ({visits_sent, visits_total})
//   for the agenda to show; the last page removes it.
import { getMeta, RECORD_TABLES, setMeta } from './db.js'
import { applyLocal } from './mutations.js'

const ALL_TABLES = ['outbox', 'blobs', 'rejections', 'meta', ...RECORD_TABLES]
export const FIRST_SYNC = 'first_sync'

/** Undo local changes on the records: rows return to the server's version, phone-made rows go. */
async function restoreServerRows(db) {
  for (const name of RECORD_TABLES) {
    const table = db.table(name)
    for (const row of await table.where('_dirty').equals(1).toArray()) {
      if (row._server) await table.put(row._server)
      else await table.delete(row.id)
    }
  }
}

async function reapplyOutbox(db) {
  for (const entry of await db.outbox.orderBy('seq').toArray()) await applyLocal(db, entry)
}

/** Recompute the local overlay from the outbox (after an edit or a discard in Pendências). */
export function rebase(db) {
  return db.transaction('rw', ALL_TABLES, async () => {
    await restoreServerRows(db)
    await reapplyOutbox(db)
  })
}

/** A case that left the phone takes its occurrences, items and attachments with it. */
async function dropCase(db, caseId) {
  const occurrences = await db.occurrences.where('case_id').equals(caseId).primaryKeys()
  for (const id of occurrences) {
    await db.occurrence_items.where('occurrence_id').equals(id).delete()
    await db.attachments.where('occurrence_id').equals(id).delete()
  }
  await db.occurrences.bulkDelete(occurrences)
  await db.cases.delete(caseId)
}

export async function applyPull(db, answer) {
  await db.transaction('rw', ALL_TABLES, async () => {
    const continuing = await getMeta(db, 'paging', false)
    if (answer.reset && !continuing) {
      for (const name of RECORD_TABLES) await db.table(name).clear()
    } else {
      await restoreServerRows(db)
    }
    for (const [name, change] of Object.entries(answer.changes || {})) {
      if (!RECORD_TABLES.includes(name)) continue // a newer server's table: ignored until we know it
      for (const id of change.delete || []) {
        if (name === 'cases') await dropCase(db, id)
        else await db.table(name).delete(id)
      }
      if (change.upsert?.length) await db.table(name).bulkPut(change.upsert)
    }
    await setMeta(db, 'cursor', answer.cursor)
    await setMeta(db, 'paging', Boolean(answer.more))
    if (answer.progress && answer.more) await setMeta(db, FIRST_SYNC, answer.progress)
    else if (!answer.more) await db.meta.delete(FIRST_SYNC)
    await keepRejections(db, answer.rejections || [])
    if (!answer.more) {
      await confirm(db, answer.last_mutation_id)
      await pruneOld(db)
    }
    await reapplyOutbox(db)
    if (!answer.more) await setMeta(db, 'last_sync_at', new Date().toISOString())
  })
}

// The server's sync window (SYNC_WINDOW_DAYS, 30 by default): older visits no longer change
// and are not deleted by the server; the phone lets them go by date (docs/sync.md).
export const WINDOW_DAYS = 30
const FINISHED = new Set(['closed', 'cancelled'])

/** Drop visits older than the window, and finished cases without a visit left on the phone. */
export async function pruneOld(db, now = Date.now()) {
  const limit = now - WINDOW_DAYS * 86400000
  const old = (await db.appointments.toArray()).filter((v) => !v._dirty && Date.parse(v.ends_at) < limit)
  await db.appointments.bulkDelete(old.map((v) => v.id))
  const visited = new Set((await db.appointments.toArray()).map((v) => v.case_id))
  for (const kase of await db.cases.toArray()) {
    if (!kase._dirty && !visited.has(kase.id) && FINISHED.has(kase.status) && Date.parse(kase.updated_at) < limit) {
      await dropCase(db, kase.id)
    }
  }
}

/** Store each rejection at once, with the photos of its entry (a repeat replaces itself). */
async function keepRejections(db, rejections) {
  for (const rejection of rejections) {
    const entry = await db.outbox.where('mutation_id').equals(rejection.mutation_id).first()
    await db.rejections.put({
      ...rejection,
      seq: entry?.seq ?? null,
      blob_ids: entry?.blob_ids || [],
      summary: entry?.summary ?? null,
      at: new Date().toISOString(),
    })
  }
}

/** Drop what the server confirms — after the last page, when every row it sends has arrived. */
async function confirm(db, last) {
  for (const entry of await db.outbox.where('mutation_id').belowOrEqual(last).toArray()) {
    if (await db.rejections.get(entry.mutation_id)) {
      // Rejected: it lives on in Pendências, photos included, until the technician decides.
    } else if (entry.name === 'occurrence.create.v1' && !(await db.occurrences.get(entry.args.id))) {
      // Counted as done, yet the occurrence did not come back: keep it for the technician
      // rather than let it vanish (a visit cancelled meanwhile, a rejection lost in transit).
      await db.rejections.put({
        mutation_id: entry.mutation_id,
        name: entry.name,
        args: entry.args,
        code: 'unconfirmed',
        message: 'O servidor não confirmou esta ocorrência. Confira e reenvie.',
        seq: entry.seq,
        blob_ids: entry.blob_ids,
        summary: entry.summary ?? null,
        at: new Date().toISOString(),
      })
    } else {
      await db.blobs.bulkDelete(entry.blob_ids || [])
    }
    await db.outbox.delete(entry.seq)
  }
}
