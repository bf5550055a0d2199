// One phone, several people: each person's replica, outbox, photos, refusals and device id live in
// a database of their own, so one person's unsent work is never sent under another's login, and
// handing the phone over never erases it. A pointer in localStorage names the current database;
// the sync engine and the screens only ever see that one (switching = a reload).
//
// The rules (docs/architecture.md, "One phone, several people"):
// - Before any login request: if the phone holds another person's unsent work, the login is
//   refused (PendingWorkError) unless that person's work is explicitly left for later.
// - "Enviar depois" keeps that database untouched; it is sent when its owner logs in again.
// - A database with nothing pending may go: on logout, or when another person logs in.
import { getMeta, openDatabase, setMeta } from './db.js'

export const FIRST_DATABASE = 'assistec' // existing installs: it becomes its first user's
export const POINTER = 'assistec:database'
const DIRECTORY = 'assistec:accounts' // { [user id]: { db, name, email } }

export class LoginError extends Error {}

/** Another person's work is waiting on this phone; the screen offers the two ways out. */
export class PendingWorkError extends LoginError {
  constructor(owner, waiting) {
    super(
      `Este aparelho tem ${waiting} alteração(ões) de ${owner.name} ainda não enviadas. ` +
        `Entre como ${owner.name} para enviá-las, ou escolha “Enviar depois”: elas ficam guardadas ` +
        `neste aparelho e são enviadas quando ${owner.name} entrar de novo.`,
    )
    this.owner = owner
    this.waiting = waiting
  }
}

export function currentDatabaseName(storage) {
  return storage.getItem(POINTER) || FIRST_DATABASE
}

export function directory(storage) {
  try {
    return JSON.parse(storage.getItem(DIRECTORY) || '{}')
  } catch {
    return {}
  }
}

function saveDirectory(storage, entries) {
  storage.setItem(DIRECTORY, JSON.stringify(entries))
}

/** Everything the server has not confirmed yet: the outbox and the refusals awaiting a decision. */
export async function waitingCount(db) {
  return (await db.outbox.count()) + (await db.rejections.count())
}

const sameEmail = (a, b) => (a || '').trim().toLowerCase() === (b || '').trim().toLowerCase()

/**
 * Called before the login request. Throws PendingWorkError when `email` is not the owner of the
 * unsent work in `db`, unless `sendLater`; answers the owner and count when the work is left.
 */
export async function checkHandover(db, email, { sendLater = false } = {}) {
  const owner = await getMeta(db, 'user')
  if (!owner || sameEmail(owner.email, email)) return null
  const waiting = await waitingCount(db)
  if (!waiting) return null
  if (!sendLater) throw new PendingWorkError(owner, waiting)
  return { owner, waiting }
}

/** People whose work waits in another database on this phone (for the login screen). */
export function othersWaiting(storage) {
  const current = currentDatabaseName(storage)
  return Object.values(directory(storage)).filter((entry) => entry.db !== current && entry.waiting)
}

/**
 * After the server accepted `user`'s login: the database that holds their data, made current.
 * `db` is the open current database. Answers { db, switched }; when switched, the caller reloads
 * so that every module singleton opens the new one.
 */
export async function bindDatabase({ db, storage, user, open = openDatabase }) {
  const entries = directory(storage)
  const previous = await getMeta(db, 'user')
  let target = db.name
  if (!previous) {
    target = entries[user.id]?.db || db.name
  } else if (previous.id !== user.id) {
    const waiting = await waitingCount(db)
    if (waiting) {
      // "Enviar depois": the previous person's database stays as it is, theirs.
      entries[previous.id] = { db: db.name, name: previous.name, email: previous.email, waiting }
      target = entries[user.id]?.db || `${FIRST_DATABASE}-user-${user.id}`
    } else {
      delete entries[previous.id]
      target = entries[user.id]?.db || db.name
      // Nothing of theirs is unsent: their copy of the data goes (it was never the new person's).
      if (target === db.name) await clearAll(db)
      else await db.delete()
    }
  }
  entries[user.id] = { db: target, name: user.name, email: user.email, waiting: 0 }
  saveDirectory(storage, entries)
  storage.setItem(POINTER, target)
  const bound = target === db.name ? db : open(target)
  return { db: bound, switched: bound !== db }
}

async function clearAll(db) {
  await db.transaction('rw', db.tables, async () => {
    for (const table of db.tables) await table.clear()
  })
}

/**
 * On logout: with nothing pending the database goes, and the phone points at someone whose work
 * still waits (so the next login is asked about it); with work pending it stays, signed out.
 * Answers whether it was deleted.
 */
export async function leaveDatabase({ db, storage }) {
  const user = await getMeta(db, 'user')
  if (await waitingCount(db)) {
    await setMeta(db, 'signed_out', true)
    return false
  }
  const entries = directory(storage)
  if (user) delete entries[user.id]
  saveDirectory(storage, entries)
  const next = Object.values(entries).find((entry) => entry.db !== db.name)
  if (next) storage.setItem(POINTER, next.db)
  else storage.removeItem(POINTER)
  await db.delete()
  return true
}

/**
 * Ask the browser not to evict IndexedDB under storage pressure (it holds unsent work), and keep
 * the answer in meta `storage_persisted`: true, false, or null where the browser cannot say.
 */
export async function requestPersistence(db, storageManager = globalThis.navigator?.storage) {
  let granted = null
  if (typeof storageManager?.persist === 'function') {
    granted = await storageManager.persist().then(Boolean, () => null)
  }
  await setMeta(db, 'storage_persisted', granted)
  return granted
}
