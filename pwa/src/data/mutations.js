// What the technician does, as mutations (docs/sync.md): each one is written to the outbox together
// with its effect on the local records, in one Dexie transaction — so the screen shows the change
// at once and it can never exist locally without its outbox entry (or the other way round).
//
// `applyLocal` is also what sync.js re-runs after every pull to put pending changes back on top
// of the server's rows, so every effect here must be safe to apply twice.
import { RECORD_TABLES } from './db.js'
import { ACTIONS, PAYERS, VISIT_STATUS } from './labels.js'

const OUTBOX_TABLES = ['outbox', 'blobs', 'rejections', 'meta', ...RECORD_TABLES]

/**
 * Record one mutation (and any photos it needs) atomically; returns its outbox entry.
 * `summary` (e.g. "AT-2026-00009 · Patrícia Nogueira Dias") names it in Pendências even after
 * the visit has left the phone.
 */
export async function record(db, name, args, { blobs = [], summary = null } = {}) {
  if (!EFFECTS[name]) throw new Error(`Mutação desconhecida: ${name}`)
  return db.transaction('rw', OUTBOX_TABLES, async () => {
    for (const blob of blobs) await db.blobs.put({ ...blob, uploaded: false })
    const entry = {
      name,
      args,
      client_time: new Date().toISOString(),
      blob_ids: blobs.map((b) => b.id),
      summary,
      mutation_id: null,
    }
    entry.seq = await db.outbox.add(entry)
    await applyLocal(db, entry)
    return entry
  })
}

/** Apply one outbox entry's effect to the local records (inside the caller's transaction). */
export async function applyLocal(db, entry) {
  await EFFECTS[entry.name](db, entry.args, entry)
}

/** Change a server row locally, keeping the server's version to restore at the next pull. */
async function touch(table, id, changes) {
  const row = await table.get(id)
  if (!row) return // the record left the phone (reset, visit cancelled): nothing to show
  if (!row._dirty) {
    const server = { ...row }
    row._server = server
    row._dirty = 1
  }
  await table.put({ ...row, ...changes })
}

async function ref(db, id) {
  if (id == null) return null
  const entry = await db.catalog_entries.get(id)
  return { id, name: entry ? entry.name : '' }
}

function localItem(occurrenceId, item) {
  return {
    ...item,
    occurrence_id: occurrenceId,
    unit: item.unit || 'un',
    action_label: ACTIONS[item.action] || item.action,
    _local: 1,
    _dirty: 1,
  }
}

async function putLocalAttachments(db, ids, links) {
  for (const id of ids) {
    const blob = await db.blobs.get(id)
    if (!blob || (await db.attachments.get(id))) continue
    await db.attachments.put({ id, kind: blob.kind, ...links, _local: 1, _dirty: 1 })
  }
}

const EFFECTS = {
  async 'appointment.check_in.v1'(db, args) {
    await touch(db.appointments, args.appointment_id, {
      status: 'in_progress',
      status_label: VISIT_STATUS.in_progress,
      checked_in_at: args.at,
    })
  },

  async 'appointment.check_out.v1'(db, args) {
    await touch(db.appointments, args.appointment_id, {
      status: 'done',
      status_label: VISIT_STATUS.done,
      checked_out_at: args.at,
    })
  },

  // Written by apps before the technician's own note; the server now puts it there too, never
  // over the office's instructions (docs/sync.md).
  async 'appointment.notes.v1'(db, args) {
    await touch(db.appointments, args.appointment_id, { technician_notes: args.notes })
  },

  async 'appointment.technician_notes.v1'(db, args) {
    await touch(db.appointments, args.appointment_id, { technician_notes: args.notes })
  },

  async 'occurrence.create.v1'(db, args) {
    const existing = await db.occurrences.get(args.id)
    if (existing && !existing._local) return // the server has it already: its row wins
    const { items = [], attachment_ids = [], ...fields } = args
    await db.occurrences.put({
      ...fields,
      occurrence_type: await ref(db, args.occurrence_type_id),
      status: await ref(db, args.status_id),
      room: await ref(db, args.room_id),
      product_line: await ref(db, args.product_line_id),
      payer_label: PAYERS[args.payer],
      created_at: existing?.created_at || new Date().toISOString(),
      _local: 1,
      _dirty: 1,
    })
    for (const item of items) await db.occurrence_items.put(localItem(args.id, item))
    await putLocalAttachments(db, attachment_ids, { occurrence_id: args.id })
  },

  async 'occurrence.update.v1'(db, args) {
    const { id, base, ...fields } = args
    const changes = { ...fields }
    if ('payer' in fields) changes.payer_label = PAYERS[fields.payer]
    if ('occurrence_type_id' in fields) changes.occurrence_type = await ref(db, fields.occurrence_type_id)
    if ('status_id' in fields) changes.status = await ref(db, fields.status_id)
    if ('room_id' in fields) changes.room = await ref(db, fields.room_id)
    if ('product_line_id' in fields) changes.product_line = await ref(db, fields.product_line_id)
    await touch(db.occurrences, id, changes)
  },

  async 'occurrence_item.upsert.v1'(db, args) {
    const { base, ...item } = args
    const row = await db.occurrence_items.get(item.id)
    if (row) await touch(db.occurrence_items, item.id, { ...item, action_label: ACTIONS[item.action] })
    else await db.occurrence_items.put(localItem(item.occurrence_id, item))
  },

  async 'occurrence_item.delete.v1'(db, args) {
    const row = await db.occurrence_items.get(args.id)
    if (row) await touch(db.occurrence_items, args.id, { _deleted: 1 })
  },

  async 'attachment.link.v1'(db, args) {
    const { attachment_id, ...links } = args
    const row = await db.attachments.get(attachment_id)
    if (row) await touch(db.attachments, attachment_id, links)
    else await putLocalAttachments(db, [attachment_id], links)
  },
}

export const QUOTA_MESSAGE = 'Sem espaço no aparelho: libere espaço (fotos, vídeos, apps) e toque em Salvar de novo. Nada foi perdido do formulário.'

/** Whether a failed IndexedDB write ran out of room (Dexie wraps the browser's error, sometimes twice). */
export function isQuotaError(error) {
  for (let e = error; e; e = e.inner) {
    if (e.name === 'QuotaExceededError' || e.code === 22) return true
  }
  return false
}

/** What the technician reads when a local save fails: never a silent failure. */
export function saveErrorMessage(error) {
  if (isQuotaError(error)) return QUOTA_MESSAGE
  const why = error?.message ? ` (${error.message})` : ''
  return `Não foi possível salvar no aparelho${why}. Toque em Salvar de novo; o que foi preenchido continua aqui.`
}
