// The app's database, API client and sync engine, and the login that binds them to a user.
//
// The user and the CSRF token are kept in IndexedDB so that the app opens offline already
// "logged in": the session cookie (30 days with "manter conectado") does the rest when the
// signal comes back. A 401 never wipes anything; it only asks for the password again.
import { getMeta, openDatabase, setMeta } from './db.js'
import { ApiError, createApi } from './api.js'
import {
  bindDatabase,
  checkHandover,
  currentDatabaseName,
  FIRST_DATABASE,
  leaveDatabase,
  LoginError,
  POINTER,
  requestPersistence,
  waitingCount,
} from './accounts.js'
import { dropPush, refreshPush } from './push-subscription.js'
import { createSync } from './sync.js'

export { LoginError, PendingWorkError } from './accounts.js'

// The current person's database (see accounts.js: one per person on this phone).
export const db = openDatabase(currentDatabaseName(localStorage))
/** The session's CSRF token, kept with the user (both apps' clients read and renew it here). */
export const csrfStore = { get: () => getMeta(db, 'csrf'), set: (token) => setMeta(db, 'csrf', token) }
export const api = createApi({ csrf: csrfStore })
export const sync = createSync({ db, api })

// Another tab switched to another person's database: this one must not go on syncing the old
// one under the new person's session.
globalThis.addEventListener?.('storage', (event) => {
  if (event.key === POINTER && (event.newValue || FIRST_DATABASE) !== db.name) location.reload()
})

/**
 * Log in. Another person's unsent work on this phone is checked first, before any request, so
 * the server's session never changes under it: PendingWorkError, unless `sendLater` (then their
 * work stays in their database, sent when they log in again). Answers the profile and whether the
 * page reloads into another person's database (`switched`).
 */
export async function login(email, password, remember, { sendLater = false } = {}) {
  const handover = await checkHandover(db, email, { sendLater })
  // Nothing may sync the previous person's work once the session is someone else's.
  if (handover) await setMeta(db, 'signed_out', true)
  let user
  try {
    user = await api.post('/api/auth/login', { email, password, remember })
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw new LoginError('E-mail ou senha incorretos.')
    if (error instanceof ApiError && error.status === 429) throw new LoginError('Muitas tentativas. Aguarde um minuto e tente de novo.')
    if (error instanceof ApiError) throw new LoginError(error.message)
    throw new LoginError('Sem conexão com o servidor. Para o primeiro acesso é preciso estar conectado.')
  }
  const { csrf_token: csrf, ...profile } = user
  const { db: mine, switched } = await bindDatabase({ db, storage: localStorage, user: profile })
  await setMeta(mine, 'csrf', csrf)
  await setMeta(mine, 'user', profile)
  await setMeta(mine, 'signed_out', false)
  const persisted = requestPersistence(mine).catch(() => null)
  if (switched) {
    // A browser that asks the person (not Chromium) must not hold the login up for long.
    await Promise.race([persisted, new Promise((resolve) => setTimeout(resolve, 2000))])
    mine.close()
    return { profile, switched }
  }
  // The office reads the API directly: only a technician's phone keeps a replica and gets pushes.
  if (profile.role === 'technician') {
    sync.loggedIn()
    // Only where permission was given before: asking is left to "Ativar notificações".
    refreshPush({ api, db, force: true }).catch(() => {})
  }
  return { profile, switched }
}

/** What "Sair" asks first: with work not yet sent, that it stays on the phone until the next login. */
export async function logoutQuestion(user) {
  const waiting = await waitingCount(db).catch(() => 0)
  if (!waiting) return `Sair da conta de ${user.name}?`
  const items = waiting === 1 ? '1 alteração ainda não enviada' : `${waiting} alterações ainda não enviadas`
  return `Há ${items} ao servidor. Ela${waiting === 1 ? ' fica guardada' : 's ficam guardadas'} neste aparelho e será${waiting === 1 ? '' : 'ão'} enviada${waiting === 1 ? '' : 's'} quando você entrar de novo. Sair mesmo assim?`
}

/** "Sair de todos os aparelhos": every session of the user ends, this one included. */
export function logoutEverywhere() {
  return logout('/api/auth/logout-all')
}

export async function logout(endpoint = '/api/auth/logout') {
  // Before the session ends: deleting the subscription needs it.
  await dropPush({ api }).catch(() => {})
  try {
    await api.post(endpoint, {})
  } catch {
    // offline: the cookie expires on its own; the local user is forgotten below either way
  }
  // Unsent work stays (and is asked about at the next login); only the identity is dropped.
  await leaveDatabase({ db, storage: localStorage })
  location.assign('/login')
}

/** The store's timezone for a record (or the user's first store). */
export function storeTimezone(user, storeId) {
  const stores = user?.stores || []
  return (stores.find((s) => s.id === storeId) || stores[0])?.timezone || 'America/Sao_Paulo'
}
