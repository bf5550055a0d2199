// The phone's copy of the server's records, the outbox of what the technician did, photo blobs,
// and bookkeeping (meta). One Dexie database per person on the phone (see accounts.js).
//
// Records keep the server's shape. A record changed locally and not yet confirmed carries
// `_dirty: 1` and, when the server had it, the server's version in `_server`; a record created
// on the phone carries `_local: 1` too. Each pull puts those back to the server's version, applies
// the pull, then re-applies the outbox (see sync.js), so local changes always sit on top.
import Dexie from 'dexie'

export const RECORD_TABLES = [
  'users',
  'catalog_entries',
  'suppliers',
  'customers',
  'contracts',
  'cases',
  'appointments',
  'occurrences',
  'occurrence_items',
  'attachments',
]

/**
 * Every schema version, oldest first. A released version is never edited: a change is a new entry
 * at the end — the tables it adds or re-indexes (`null` drops one) and, when rows must change, an
 * `upgrade(tx)` that Dexie runs once on a phone coming from an older version (docs/pwa.md).
 * @type {{ stores: Record<string, string | null>, upgrade?: (tx: import('dexie').Transaction) => void | PromiseLike<unknown> }[]}
 */
export const VERSIONS = [
  {
    stores: {
      users: 'id, _dirty',
      catalog_entries: 'id, kind, _dirty',
      customers: 'id, _dirty',
      contracts: 'id, _dirty',
      cases: 'id, _dirty',
      appointments: 'id, case_id, starts_at, _dirty',
      occurrences: 'id, case_id, appointment_id, _dirty',
      occurrence_items: 'id, occurrence_id, _dirty',
      attachments: 'id, occurrence_id, appointment_id, _dirty',
      // seq orders the outbox; mutation_id is given when the entry is first pushed (see sync.js).
      outbox: '++seq, mutation_id',
      // Mutations the server refused, kept with their arguments until the technician decides.
      rejections: 'mutation_id',
      // Photos and signatures as Blobs until the server has them.
      blobs: 'id',
      meta: 'key',
    },
  },
  {
    // Suppliers (read-only copies). The cursor goes: the next pull is a full snapshot, which brings
    // the suppliers a delta never would (they changed before this phone had the table).
    stores: { suppliers: 'id, _dirty' },
    upgrade: (tx) => tx.table('meta').bulkDelete(['cursor', 'paging']),
  },
]

/**
 * The person's database at the latest version (`versions`: a test opens an older or a newer one).
 * @param {string} [name]
 * @param {{ versions?: typeof VERSIONS }} [options]
 */
export function openDatabase(name = 'assistec', { versions = VERSIONS } = {}) {
  const db = new Dexie(name)
  versions.forEach(({ stores, upgrade }, index) => {
    const version = db.version(index + 1).stores(stores)
    if (upgrade) version.upgrade(upgrade)
  })
  return db
}

export async function getMeta(db, key, fallback = null) {
  const row = await db.meta.get(key)
  return row ? row.value : fallback
}

export function setMeta(db, key, value) {
  return db.meta.put({ key, value })
}
