// The sync engine (docs/sync.md, client side): push the outbox, then pull what changed.
//
// Rules this file keeps, each covered by test/sync.test.js:
// - Outbox entries get their mutation id (1, 2, 3… per device) when first pushed, in outbox
//   order, and keep it forever after: a retried push is recognised by the server as a duplicate.
// - An entry leaves the outbox only when a pull answers last_mutation_id >= its id. The pull is
//   what brings the resulting rows, so the screen never flickers back to the old state. How a
//   pull is applied on top of local work: apply-pull.js.
// - Photos are uploaded before the push that carries the mutation referencing them.
// - An entry is `answered` once a push containing it came back with last_mutation_id >= its id:
//   only then does Pendências say "enviado"; before, it is "aguardando envio" (outbox.js).
// - 401 stops and keeps everything (needsLogin). A network error, 5xx or 503 retries by itself
//   with exponential backoff and jitter, honouring Retry-After; success resets the backoff.
// - While the browser says it is offline, nothing is attempted (so offline work is never numbered).
// - One tab syncs at a time (Web Locks); a request made during a sync runs once more after it.
//
// The status the screens show, one of (state().status):
//   idle        nothing to do, or the last sync succeeded
//   syncing     a sync is running (`photos` tells the upload progress while photos go)
//   retrying    the last attempt failed (network or server); a retry is set for `retryAt`
//   offline     the browser says so, or a request failed at the network level and its retry too
//               (a retry stays set while the browser claims to be online)
//   needsLogin  the session is gone; nothing is tried until the technician logs in again
//   error       the server refused the sync itself (a gap in the numbering): `error`, retried slowly
import { applyPull } from './apply-pull.js'
import { getMeta, setMeta } from './db.js'
import { ApiError, NetworkError } from './api.js'

export const PROTOCOL = 1
export const SCHEMA_VERSION = 1
const BATCH = 500

async function clientId(db) {
  let id = await getMeta(db, 'client_id')
  if (!id) {
    id = crypto.randomUUID()
    await setMeta(db, 'client_id', id)
  }
  return id
}

/** Give every entry not yet pushed its mutation id, in outbox order, once and for all. */
async function numberOutbox(db) {
  await db.transaction('rw', db.outbox, db.meta, async () => {
    let next = await getMeta(db, 'next_mutation_id', 1)
    for (const entry of await db.outbox.orderBy('seq').toArray()) {
      if (entry.mutation_id != null) continue
      await db.outbox.update(entry.seq, { mutation_id: next })
      next += 1
    }
    await setMeta(db, 'next_mutation_id', next)
  })
}

/** PUT the blob; a refusal (bad image, same id with other bytes) is left for the push to reject. */
async function upload(db, api, blob, onProgress) {
  const params = new URLSearchParams({ kind: blob.kind })
  if (blob.store_id) params.set('store_id', String(blob.store_id))
  try {
    await api.put(
      `/api/attachments/${blob.id}?${params}`,
      blob.data,
      { 'Content-Type': blob.type || 'application/octet-stream', 'X-Content-SHA256': blob.sha256 },
      { onProgress },
    )
    await db.blobs.update(blob.id, { uploaded: true, error: null })
  } catch (error) {
    if (error instanceof ApiError && [409, 413, 415, 422].includes(error.status)) {
      await db.blobs.update(blob.id, { uploaded: true, error: error.message })
    } else throw error
  }
}

/** The body of a push: also used empty, to learn the server's last_mutation_id (outbox.js). */
export async function pushBody(db, mutations) {
  return { protocol: PROTOCOL, schema_version: SCHEMA_VERSION, client_id: await clientId(db), mutations }
}

/** Remember the server's last_mutation_id and mark the entries it covers as answered. */
export async function noteServerLast(db, last) {
  await db.transaction('rw', db.outbox, db.meta, async () => {
    await setMeta(db, 'server_last_mutation_id', last)
    await db.outbox.where('mutation_id').belowOrEqual(last).modify({ answered: true })
  })
}

async function uploadPhotos(db, api, entries, progress) {
  const waiting = []
  for (const entry of entries) {
    for (const id of entry.blob_ids || []) {
      const blob = await db.blobs.get(id)
      if (blob && !blob.uploaded) waiting.push(blob)
    }
  }
  if (!waiting.length) return
  let done = 0
  const report = (current, loaded = 0) =>
    progress({ done, total: waiting.length, current: current?.id ?? null, loaded, size: current?.data?.size ?? current?.data?.byteLength ?? 0 })
  for (const blob of waiting) {
    report(blob)
    await upload(db, api, blob, (loaded) => report(blob, loaded))
    done += 1
  }
  report(null)
}

async function push(db, api, progress) {
  await numberOutbox(db)
  const entries = await db.outbox.orderBy('seq').limit(BATCH).toArray()
  if (!entries.length) return
  try {
    await uploadPhotos(db, api, entries, progress)
  } finally {
    progress(null)
  }
  const body = entries.map((e) => ({ id: e.mutation_id, name: e.name, args: e.args, client_time: e.client_time }))
  const result = await api.post('/api/sync/push', await pushBody(db, body))
  await noteServerLast(db, result.last_mutation_id)
  if (result.stopped_at_gap) {
    // The server is missing an earlier id: this phone's numbering and the server's disagree.
    // Nothing is dropped; the message shows in the sync bar for support to look at.
    throw new Error(`Sincronização interrompida: o servidor esperava a ação ${result.stopped_at_gap.expected}.`)
  }
  if (entries.length === BATCH) await push(db, api, progress)
}

async function pull(db, api) {
  for (;;) {
    const answer = await api.post('/api/sync/pull', {
      protocol: PROTOCOL,
      schema_version: SCHEMA_VERSION,
      client_id: await clientId(db),
      cursor: await getMeta(db, 'cursor'),
    })
    await applyPull(db, answer)
    if (!answer.more) {
      await setMeta(db, 'server_last_mutation_id', answer.last_mutation_id)
      return
    }
  }
}

/** A stand-in for navigator.locks where there is none (tests, old browsers): one holder per process. */
function processLocks() {
  const tails = new Map()
  return {
    request(name, fn) {
      const run = (tails.get(name) || Promise.resolve()).then(() => fn())
      tails.set(
        name,
        run.catch(() => {}),
      )
      return run
    },
  }
}

// Backoff: the first retry 2–4 s after a failure, then doubling, never more than a minute apart.
const FIRST_RETRY_S = 2
const MAX_RETRY_S = 60

/** Seconds to wait before attempt n+1 after n failures in a row: exponential, with jitter. */
export function backoff(failures, random = Math.random) {
  const base = Math.min(MAX_RETRY_S, FIRST_RETRY_S * 2 ** (failures - 1))
  return Math.min(MAX_RETRY_S, base * (1 + random()))
}

/** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterSeconds(value, now = Date.now()) {
  if (value == null || value === '') return null
  if (/^\d+$/.test(String(value).trim())) return Number(value)
  const at = Date.parse(value)
  return Number.isNaN(at) ? null : Math.max(0, (at - now) / 1000)
}

const browserOnline = () => globalThis.navigator?.onLine !== false

export function createSync({
  db,
  api,
  locks = globalThis.navigator?.locks || processLocks(),
  timers = globalThis,
  isOnline = browserOnline,
  random = Math.random,
}) {
  const listeners = new Set()
  const state = {
    status: 'idle',
    syncing: false,
    needsLogin: false,
    offline: !isOnline(),
    error: null,
    reason: null, // 'network' | 'server' | 'refused' while retrying
    retryAt: null,
    photos: null, // {done, total, current, loaded, size} while photos upload
  }
  if (state.offline) state.status = 'offline'
  let running = null
  let again = false
  let debounce = null
  let retry = null
  let failures = 0
  let networkFailures = 0

  function set(changes) {
    Object.assign(state, changes)
    for (const listener of listeners) listener({ ...state })
  }

  async function once() {
    await locks.request('assistec-sync', async () => {
      // A push the server cannot take now (503) must not keep the office's changes (a visit
      // rescheduled) from the phone: pull anyway, then report the push's failure.
      let pushError = null
      try {
        await push(db, api, (photos) => set({ photos }))
      } catch (error) {
        if (!(error instanceof ApiError) || error.status === 401) throw error
        pushError = error
      }
      await pull(db, api)
      if (pushError) throw pushError
    })
  }

  function scheduleRetry(seconds) {
    timers.clearTimeout(retry)
    retry = timers.setTimeout(() => {
      retry = null
      return sync() // returned for tests that await the timer
    }, seconds * 1000)
    return Date.now() + seconds * 1000
  }

  function failed(error) {
    failures += 1
    if (error instanceof NetworkError) {
      networkFailures += 1
      // One dropped request says little about the signal; a failed retry says more.
      const offline = networkFailures >= 2 || !isOnline()
      const retryAt = scheduleRetry(backoff(failures, random))
      set({ status: offline ? 'offline' : 'retrying', offline, reason: 'network', retryAt, error: null })
      return
    }
    networkFailures = 0
    if (error instanceof ApiError && error.status >= 500) {
      // Not before the server's Retry-After, and not sooner than the backoff either.
      const seconds = Math.max(backoff(failures, random), retryAfterSeconds(error.retryAfter) ?? 0)
      set({ status: 'retrying', offline: false, reason: 'server', retryAt: scheduleRetry(seconds), error: error.message })
      return
    }
    // Refused as a whole (a gap in the numbering, a 4xx): support should look; retry slowly.
    set({ status: 'error', offline: false, reason: 'refused', retryAt: scheduleRetry(MAX_RETRY_S), error: error.message })
  }

  async function run() {
    if (state.needsLogin) return
    if (!isOnline()) {
      // Nothing is tried until the browser's `online` event: no countdown to show either.
      timers.clearTimeout(retry)
      set({ status: 'offline', offline: true, syncing: false, retryAt: null })
      return
    }
    timers.clearTimeout(retry)
    retry = null
    set({ status: 'syncing', syncing: true })
    try {
      do {
        again = false
        await once()
      } while (again)
      failures = 0
      networkFailures = 0
      set({ status: 'idle', syncing: false, offline: false, reason: null, retryAt: null, error: null, photos: null })
    } catch (error) {
      set({ syncing: false, photos: null })
      if (error instanceof ApiError && error.status === 401) {
        set({ status: 'needsLogin', needsLogin: true, retryAt: null, reason: null })
      } else failed(error)
    }
  }

  /** Sync now; a call during a sync makes it run once more, so nothing written meanwhile waits. */
  function sync() {
    if (running) {
      again = true
      return running
    }
    running = run().finally(() => {
      running = null
    })
    return running
  }

  return {
    sync,
    state: () => ({ ...state }),
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    /** Run `fn` while no sync runs in any tab (Pendências edits a numbered entry this way). */
    exclusive: (fn) => locks.request('assistec-sync', fn),
    /** After a local write: wait for the technician to finish tapping, then sync. */
    soon(ms = 1500) {
      timers.clearTimeout(debounce)
      debounce = timers.setTimeout(() => sync(), ms)
    },
    /** After logging in again: continue where the 401 stopped. */
    loggedIn() {
      set({ status: 'idle', needsLogin: false })
      return sync()
    },
    /** The browser's online/offline events. Back online: a fresh backoff (the caller syncs at once). */
    setOffline(offline) {
      if (offline) {
        timers.clearTimeout(retry)
        if (!state.syncing && !state.needsLogin) set({ status: 'offline', offline: true, retryAt: null })
        else set({ offline: true, retryAt: null })
        return
      }
      failures = 0
      networkFailures = 0
      timers.clearTimeout(retry)
      set({ offline: false, status: state.needsLogin ? 'needsLogin' : state.syncing ? 'syncing' : 'idle', retryAt: null })
    },
  }
}
