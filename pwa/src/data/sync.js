// The sync engine (DESIGN §5, client side): push the outbox, then pull what changed.
//
// Rules this file keeps, each covered by test/sync.test.js:
// - Outbox entries get their mutation id (1, 2, 3… per device) when first pushed, in outbox
//   order, and keep it forever after: a retried push is recognised by the server as a duplicate.
// - An entry leaves the outbox only when a pull answers last_mutation_id >= its id. The pull is
//   what brings the resulting rows, so the screen never flickers back to the old state. How a
//   pull is applied on top of local work: apply-pull.js.
// - Photos are uploaded before the push that carries the mutation referencing them.
// - 401 stops and keeps everything (needsLogin); 503 and network failures retry later.
// - One tab syncs at a time (Web Locks); a request made during a sync runs once more after it.
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
async function upload(db, api, blob) {
  const params = new URLSearchParams({ kind: blob.kind })
  if (blob.store_id) params.set('store_id', String(blob.store_id))
  try {
    await api.put(`/api/attachments/${blob.id}?${params}`, blob.data, {
      'Content-Type': blob.type || 'application/octet-stream',
      'X-Content-SHA256': blob.sha256,
    })
    await db.blobs.update(blob.id, { uploaded: true, error: null })
  } catch (error) {
    if (error instanceof ApiError && [409, 413, 415, 422].includes(error.status)) {
      await db.blobs.update(blob.id, { uploaded: true, error: error.message })
    } else throw error
  }
}

async function push(db, api) {
  await numberOutbox(db)
  const entries = await db.outbox.orderBy('seq').limit(BATCH).toArray()
  if (!entries.length) return
  for (const entry of entries) {
    for (const id of entry.blob_ids || []) {
      const blob = await db.blobs.get(id)
      if (blob && !blob.uploaded) await upload(db, api, blob)
    }
  }
  const result = await api.post('/api/sync/push', {
    protocol: PROTOCOL,
    schema_version: SCHEMA_VERSION,
    client_id: await clientId(db),
    mutations: entries.map((e) => ({ id: e.mutation_id, name: e.name, args: e.args, client_time: e.client_time })),
  })
  if (result.stopped_at_gap) {
    // The server is missing an earlier id: this phone's numbering and the server's disagree.
    // Nothing is dropped; the message shows in the sync bar for support to look at.
    throw new Error(`Sincronização interrompida: o servidor esperava a ação ${result.stopped_at_gap.expected}.`)
  }
  if (entries.length === BATCH) await push(db, api)
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
    if (!answer.more) return
  }
}

/** A stand-in for navigator.locks where there is none (tests, old browsers): one holder per process. */
function processLocks() {
  const tails = new Map()
  return {
    request(name, fn) {
      const run = (tails.get(name) || Promise.resolve()).then(() => fn())
      tails.set(name, run.catch(() => {}))
      return run
    },
  }
}

export function createSync({ db, api, locks = globalThis.navigator?.locks || processLocks(), timers = globalThis }) {
  const listeners = new Set()
  const state = { syncing: false, needsLogin: false, offline: false, error: null, retryAt: null }
  let running = null
  let again = false
  let debounce = null
  let retry = null

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
        await push(db, api)
      } catch (error) {
        if (!(error instanceof ApiError) || error.status === 401) throw error
        pushError = error
      }
      await pull(db, api)
      if (pushError) throw pushError
    })
  }

  async function run() {
    if (state.needsLogin) return
    set({ syncing: true, error: null })
    try {
      do {
        again = false
        await once()
      } while (again)
      set({ syncing: false, offline: false, retryAt: null })
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        set({ syncing: false, needsLogin: true })
      } else if (error instanceof NetworkError) {
        set({ syncing: false, offline: true })
      } else {
        const seconds = error instanceof ApiError && error.status >= 500 ? error.retryAfter || 30 : 60
        timers.clearTimeout(retry)
        retry = timers.setTimeout(() => sync(), seconds * 1000)
        set({ syncing: false, error: error.message, retryAt: Date.now() + seconds * 1000 })
      }
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
    /** After a local write: wait for the technician to finish tapping, then sync. */
    soon(ms = 1500) {
      timers.clearTimeout(debounce)
      debounce = timers.setTimeout(() => sync(), ms)
    },
    /** After logging in again: continue where the 401 stopped. */
    loggedIn() {
      set({ needsLogin: false })
      return sync()
    },
    setOffline(offline) {
      set({ offline })
    },
  }
}
