// The app's one database, API client and sync engine, and the login that binds them to a user.
//
// The user and the CSRF token are kept in IndexedDB so that the app opens offline already
// "logged in": the session cookie (30 days with "manter conectado") does the rest when the
// signal comes back. A 401 never wipes anything; it only asks for the password again.
import { getMeta, openDatabase, RECORD_TABLES, setMeta } from './db.js'
import { ApiError, createApi } from './api.js'
import { dropPush, refreshPush } from './push-subscription.js'
import { createSync } from './sync.js'

export const db = openDatabase()
export const api = createApi({ csrf: { get: () => getMeta(db, 'csrf'), set: (token) => setMeta(db, 'csrf', token) } })
export const sync = createSync({ db, api })

export class LoginError extends Error {}

/** Another person's unsent work on this phone must never be sent under a new login, nor lost. */
async function assertSameUserOrClean(user) {
  const previous = await getMeta(db, 'user')
  if (!previous || previous.id === user.id) return
  const waiting = (await db.outbox.count()) + (await db.rejections.count())
  if (waiting) {
    throw new LoginError(
      `Este aparelho tem ${waiting} alteração(ões) de ${previous.name} ainda não enviadas. ` +
        `Entre como ${previous.name} para enviá-las antes de trocar de usuário.`,
    )
  }
  // A new person on this phone: their data starts clean, on a device id of their own.
  await db.transaction('rw', [...RECORD_TABLES, 'meta', 'blobs'].map((t) => db.table(t)), async () => {
    for (const name of RECORD_TABLES) await db.table(name).clear()
    await db.blobs.clear()
    await db.meta.clear()
  })
}

export async function login(email, password, remember) {
  let user
  try {
    user = await api.post('/api/auth/login', { email, password, remember })
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw new LoginError('E-mail ou senha incorretos.')
    if (error instanceof ApiError && error.status === 429) throw new LoginError('Muitas tentativas. Aguarde um minuto e tente de novo.')
    if (error instanceof ApiError) throw new LoginError(error.message)
    throw new LoginError('Sem conexão com o servidor. Para o primeiro acesso é preciso estar conectado.')
  }
  await assertSameUserOrClean(user)
  const { csrf_token: csrf, ...profile } = user
  await setMeta(db, 'csrf', csrf)
  await setMeta(db, 'user', profile)
  await setMeta(db, 'signed_out', false)
  // Ask the browser not to evict IndexedDB under storage pressure: it holds unsent work.
  navigator.storage?.persist?.().catch(() => {})
  // The office reads the API directly: only a technician's phone keeps a replica and gets pushes.
  if (profile.role === 'technician') {
    sync.loggedIn()
    // Only where permission was given before: asking is left to "Ativar notificações".
    refreshPush({ api, db, force: true }).catch(() => {})
  }
  return profile
}

export async function logout() {
  // Before the session ends: deleting the subscription needs it.
  await dropPush({ api }).catch(() => {})
  try {
    await api.post('/api/auth/logout', {})
  } catch {
    // offline: the cookie expires on its own; the local user is forgotten below either way
  }
  const waiting = (await db.outbox.count()) + (await db.rejections.count())
  // Unsent work stays (and binds the next login to this user); only the identity is dropped.
  if (!waiting) await db.delete().then(() => location.assign('/login'))
  else await setMeta(db, 'signed_out', true).then(() => location.assign('/login'))
}

/** The store's timezone for a record (or the user's first store). */
export function storeTimezone(user, storeId) {
  const stores = user?.stores || []
  return (stores.find((s) => s.id === storeId) || stores[0])?.timezone || 'America/Sao_Paulo'
}
