// Shared set-up for the engine's tests: a phone (Dexie on fake-indexeddb) against the fake server,
// with a hand-driven clock for the engine's timers so a test decides when "later" is.
import { createApi } from '../src/data/api.js'
import { openDatabase } from '../src/data/db.js'
import { createSync } from '../src/data/sync.js'
import { createFakeServer } from './fake-server.js'

export const VISIT = { id: 7, case_id: 3, status: 'scheduled', starts_at: '2026-11-28T09:00:00-03:00' }
export const CASE = { id: 3, number: 'AT-2026-00003' }
let counter = 0

/** Timers that fire only when the test advances them; `due()` lists the pending delays (ms). */
export function manualClock() {
  let now = 0
  let next = 1
  const pending = new Map()
  return {
    setTimeout(fn, ms) {
      pending.set(next, { fn, at: now + ms })
      return next++
    },
    clearTimeout(id) {
      pending.delete(id)
    },
    due: () => [...pending.values()].map((t) => t.at - now).sort((a, b) => a - b),
    /** Move time on by `ms`, running (and awaiting) every timer that falls due. */
    async advance(ms) {
      const until = now + ms
      for (;;) {
        const [id, timer] = [...pending.entries()].sort((a, b) => a[1].at - b[1].at)[0] || []
        if (!timer || timer.at > until) break
        pending.delete(id)
        now = timer.at
        await timer.fn()
      }
      now = until
    },
  }
}

export async function phone({ online = () => true, random = () => 0.5 } = {}) {
  const server = createFakeServer()
  const db = openDatabase(`phone-${++counter}-${Math.random()}`)
  const api = createApi({ fetch: (path, init) => server.fetch(path, init), csrf: { get: async () => 't', set: async () => {} } })
  const clock = manualClock()
  const state = { online: true }
  const engine = createSync({ db, api, timers: clock, isOnline: () => state.online && online(), random })
  server.put('cases', CASE)
  server.put('appointments', VISIT)
  await engine.sync()
  return { server, db, api, clock, engine, net: state, deps: { api, sync: engine } }
}

export const dropNext = (server, path) => server.script.push({ match: (p) => p === path, respond: () => Promise.reject(new TypeError('Failed to fetch')) })

export const checkIn = (at = '2026-11-28T09:05:00-03:00') => ['appointment.check_in.v1', { appointment_id: 7, at }]
