// The sync engine's rules (docs/sync.md) against an in-memory server: see test/fake-server.js.
import { beforeEach, describe, expect, it } from 'vitest'
import { createApi } from '../src/data/api.js'
import { getMeta, openDatabase } from '../src/data/db.js'
import { record } from '../src/data/mutations.js'
import { discardPending, discardRejection, editPending, resendRejection } from '../src/data/outbox.js'
import { createSync } from '../src/data/sync.js'
import { createFakeServer, problem } from './fake-server.js'

const VISIT = { id: 7, case_id: 3, status: 'scheduled', starts_at: '2026-11-28T09:00:00-03:00' }
const CASE = { id: 3, number: 'AT-2026-00003' }
let counter = 0

function setup(server = createFakeServer()) {
  const db = openDatabase(`test-${++counter}`)
  const api = createApi({ fetch: (path, init) => server.fetch(path, init), csrf: { get: async () => 't', set: async () => {} } })
  const noTimers = { setTimeout: () => 0, clearTimeout: () => {} }
  return { server, db, api, engine: createSync({ db, api, timers: noTimers }) }
}

function occurrence(extra = {}) {
  return {
    id: crypto.randomUUID(),
    case_id: 3,
    appointment_id: 7,
    occurrence_type_id: 1,
    payer: 'store',
    resolved: true,
    items: [{ id: crypto.randomUUID(), description: 'Dobradiça', quantity: '2', action: 'replace' }],
    attachment_ids: [],
    ...extra,
  }
}

const photo = (id = crypto.randomUUID()) => ({
  id,
  kind: 'photo',
  store_id: 1,
  type: 'image/jpeg',
  sha256: 'ab'.repeat(32),
  data: new Uint8Array([0xff, 0xd8, 0xff]),
})

let t
beforeEach(async () => {
  t = setup()
  t.server.put('cases', CASE)
  t.server.put('appointments', VISIT)
  await t.engine.sync() // the first pull: a snapshot
})

describe('outbox', () => {
  it('writes the record and its outbox entry together, and numbers entries in order at push', async () => {
    await record(t.db, 'appointment.check_in.v1', { appointment_id: 7, at: '2026-11-28T09:05:00-03:00' })
    expect((await t.db.appointments.get(7)).status).toBe('in_progress')
    expect(await t.db.outbox.count()).toBe(1)
    await record(t.db, 'occurrence.create.v1', occurrence())
    await record(t.db, 'appointment.check_out.v1', { appointment_id: 7, at: '2026-11-28T10:00:00-03:00' })

    const sent = []
    const original = t.server.fetch
    t.server.fetch = (path, init) => {
      if (path === '/api/sync/push') sent.push(...JSON.parse(init.body).mutations.map((m) => [m.id, m.name]))
      return original(path, init)
    }
    await t.engine.sync()
    expect(sent).toEqual([
      [1, 'appointment.check_in.v1'],
      [2, 'occurrence.create.v1'],
      [3, 'appointment.check_out.v1'],
    ])
    expect(t.server.applied).toEqual([1, 2, 3])
    expect(await t.db.outbox.count()).toBe(0)
    expect((await t.db.appointments.get(7)).status).toBe('done')
  })

  it('removes entries only when a pull confirms them', async () => {
    await record(t.db, 'appointment.check_in.v1', { appointment_id: 7, at: '2026-11-28T09:05:00-03:00' })
    t.server.script.push({ match: (p) => p === '/api/sync/pull', respond: () => Promise.reject(new TypeError('offline')) })
    await t.engine.sync()
    expect(t.server.applied).toEqual([1]) // the push landed…
    expect(await t.db.outbox.count()).toBe(1) // …but nothing is dropped before a pull says so
    expect(t.engine.state().status).toBe('retrying') // one dropped request is not "offline"
    expect(t.engine.state().offline).toBe(false)

    await t.engine.sync() // pushes id 1 again: the server skips it as a duplicate
    expect(t.server.applied).toEqual([1])
    expect(await t.db.outbox.count()).toBe(0)
    expect(await getMeta(t.db, 'last_sync_at')).toBeTruthy()
  })

  it('re-applies pending changes on top of the rows a pull brings', async () => {
    await record(t.db, 'appointment.check_in.v1', { appointment_id: 7, at: '2026-11-28T09:05:00-03:00' })
    t.server.put('appointments', { ...VISIT, notes: 'Cliente pediu para ligar antes' }) // the office edits
    t.server.script.push({ match: (p) => p === '/api/sync/push', respond: () => problem(503, 'Tente mais tarde', { 'Retry-After': '5' }) })
    await t.engine.sync()
    const visit = await t.db.appointments.get(7)
    expect(visit.notes).toBe('Cliente pediu para ligar antes') // the server's change arrived
    expect(visit.status).toBe('in_progress') // and the unsent check-in still shows
    expect(t.engine.state().error).toBe('Tente mais tarde')
    expect(await t.db.outbox.count()).toBe(1)
  })

  it('a reset replaces the records but keeps the outbox and re-applies it', async () => {
    const occ = occurrence()
    await record(t.db, 'occurrence.create.v1', occ)
    await t.db.cases.put({ id: 99, number: 'stale' })
    t.server.script.push({ match: (p) => p === '/api/sync/push', respond: () => Promise.reject(new TypeError('offline')) })
    await t.engine.sync()
    const { applyPull } = await import('../src/data/apply-pull.js')
    await applyPull(t.db, { cursor: 'x', last_mutation_id: 0, reset: true, more: false, changes: { cases: { upsert: [CASE] } } })
    expect(await t.db.cases.get(99)).toBeUndefined()
    expect(await t.db.outbox.count()).toBe(1)
    expect((await t.db.occurrences.get(occ.id))._local).toBe(1)
    expect(await t.db.occurrence_items.where('occurrence_id').equals(occ.id).count()).toBe(1)
  })

  it('a paged snapshot confirms nothing before its last page', async () => {
    const { applyPull } = await import('../src/data/apply-pull.js')
    await record(t.db, 'appointment.check_in.v1', { appointment_id: 7, at: 'x' })
    await t.db.outbox.toCollection().modify({ mutation_id: 1 })
    await applyPull(t.db, { cursor: 'p1', last_mutation_id: 1, reset: true, more: true, changes: { cases: { upsert: [CASE] } } })
    expect(await t.db.outbox.count()).toBe(1)
    await applyPull(t.db, { cursor: 'p2', last_mutation_id: 1, reset: true, more: false, changes: { appointments: { upsert: [VISIT] } } })
    expect(await t.db.cases.get(3)).toBeTruthy() // the second page did not clear the first
    expect(await t.db.outbox.count()).toBe(0)
  })
})

describe('rejections', () => {
  it('keeps a refused mutation with its message until the technician resends or discards it', async () => {
    const occ = occurrence()
    t.server.rejectWhen = (m) => (m.name === 'occurrence.create.v1' ? 'A visita foi cancelada.' : null)
    await record(t.db, 'occurrence.create.v1', occ)
    await t.engine.sync()
    expect(await t.db.outbox.count()).toBe(0)
    const [rejection] = await t.db.rejections.toArray()
    expect(rejection.message).toBe('A visita foi cancelada.')
    expect(rejection.args.id).toBe(occ.id)
    expect(await t.db.occurrences.get(occ.id)).toBeUndefined()

    t.server.rejectWhen = () => null
    await resendRejection(t.db, rejection.mutation_id, { ...rejection.args, report: 'corrigido' })
    expect(await t.db.rejections.count()).toBe(0)
    await t.engine.sync()
    expect(t.server.rows.occurrences.get(occ.id).row.report).toBe('corrigido')
    expect(await t.db.outbox.count()).toBe(0)
  })

  it('an occurrence counted as done that never comes back stays in Pendências', async () => {
    const occ = occurrence()
    t.server.rejectWhen = (m) => (m.name === 'occurrence.create.v1' ? 'perdida' : null)
    // The rejection is delivered on a pull whose answer the phone never sees.
    await record(t.db, 'occurrence.create.v1', occ)
    t.server.script.push({ match: (p) => p === '/api/sync/pull', dropAfter: true })
    await t.engine.sync()
    await t.engine.sync()
    const [kept] = await t.db.rejections.toArray()
    expect(kept.code).toBe('unconfirmed')
    expect(kept.args.id).toBe(occ.id)
    await discardRejection(t.db, kept.mutation_id)
    expect(await t.db.rejections.count()).toBe(0)
  })

  it('edits or discards entries never pushed; without the server, a numbered one stays as it is', async () => {
    const occ = occurrence()
    const entry = await record(t.db, 'occurrence.create.v1', occ)
    await editPending(t.db, entry.seq, { ...occ, report: 'novo texto' })
    expect((await t.db.occurrences.get(occ.id)).report).toBe('novo texto')
    await discardPending(t.db, entry.seq)
    expect(await t.db.occurrences.get(occ.id)).toBeUndefined()

    const sent = await record(t.db, 'appointment.check_in.v1', { appointment_id: 7, at: 'x' })
    t.server.script.push({ match: (p) => p === '/api/sync/pull', respond: () => Promise.reject(new TypeError('offline')) })
    await t.engine.sync()
    await expect(discardPending(t.db, sent.seq)).rejects.toThrow(/Já chegou ao escritório/) // answered
    expect(await t.db.outbox.count()).toBe(1)
  })
})

describe('session and failures', () => {
  it('a 401 keeps everything, asks to log in, and continues afterwards', async () => {
    await record(t.db, 'occurrence.create.v1', occurrence())
    t.server.script.push({ match: (p) => p === '/api/sync/push', respond: () => problem(401, 'Entre novamente') })
    await t.engine.sync()
    expect(t.engine.state().needsLogin).toBe(true)
    expect(await t.db.outbox.count()).toBe(1)
    await t.engine.sync() // nothing happens while logged out
    expect(t.server.applied).toEqual([])
    await t.engine.loggedIn()
    expect(t.server.applied).toEqual([1])
    expect(await t.db.outbox.count()).toBe(0)
  })

  it('503 on the first push, dropped answer after the second: applied exactly once', async () => {
    await record(t.db, 'occurrence.create.v1', occurrence())
    t.server.script.push({ match: (p) => p === '/api/sync/push', respond: () => problem(503, 'Ocupado') })
    t.server.script.push({ match: (p) => p === '/api/sync/push', dropAfter: true })
    await t.engine.sync()
    await t.engine.sync()
    await t.engine.sync()
    expect(t.server.applied).toEqual([1])
    expect(t.server.rows.occurrences.size).toBe(1)
    expect(await t.db.outbox.count()).toBe(0)
  })

  it('uploads photos before the push that references them', async () => {
    const blobs = [photo(), photo()]
    const occ = occurrence({ attachment_ids: blobs.map((b) => b.id) })
    await record(t.db, 'occurrence.create.v1', occ, { blobs })
    expect(await t.db.attachments.where('occurrence_id').equals(occ.id).count()).toBe(2)
    t.server.calls.length = 0
    await t.engine.sync()
    expect(t.server.calls).toEqual([`PUT /api/attachments/${blobs[0].id}`, `PUT /api/attachments/${blobs[1].id}`, 'POST /api/sync/push', 'POST /api/sync/pull'])
    expect(t.server.applied).toEqual([1])
    expect(await t.db.blobs.count()).toBe(0) // confirmed: the phone lets go of the bytes
  })

  it('a failed upload stops before the push and keeps the photo', async () => {
    const blob = photo()
    await record(t.db, 'occurrence.create.v1', occurrence({ attachment_ids: [blob.id] }), { blobs: [blob] })
    t.server.script.push({ match: (p) => p.startsWith('/api/attachments/'), respond: () => problem(503, 'Ocupado') })
    t.server.calls.length = 0
    await t.engine.sync()
    expect(t.server.calls).toEqual([`PUT /api/attachments/${blob.id}`, 'POST /api/sync/pull']) // no push
    expect(await t.db.blobs.get(blob.id)).toBeTruthy()
    expect(await t.db.outbox.count()).toBe(1)
  })
})

describe('two tabs', () => {
  it('never sync at the same time, and each mutation is applied once', async () => {
    const server = t.server
    const { createSync: make } = await import('../src/data/sync.js')
    const locks = (() => {
      let tail = Promise.resolve()
      return { request: (_name, fn) => (tail = tail.then(fn, fn)) }
    })()
    const timers = { setTimeout: () => 0, clearTimeout: () => {} }
    const tabA = make({ db: t.db, api: t.api, locks, timers })
    const tabB = make({ db: openDatabase(t.db.name), api: t.api, locks, timers })
    for (let i = 0; i < 3; i += 1) await record(t.db, 'occurrence.create.v1', occurrence())
    server.maxInFlight = 0
    await Promise.all([tabA.sync(), tabB.sync(), tabA.sync(), tabB.sync()])
    expect(server.maxInFlight).toBe(1)
    expect(server.applied).toEqual([1, 2, 3])
    expect(await t.db.outbox.count()).toBe(0)
  })
})

describe('pruning', () => {
  it('lets visits older than the window and long-finished cases go, keeping pending work', async () => {
    const { pruneOld } = await import('../src/data/apply-pull.js')
    const day = 86400000
    const now = Date.parse('2026-11-28T12:00:00Z')
    const iso = (ms) => new Date(ms).toISOString()
    await t.db.appointments.bulkPut([
      { id: 100, case_id: 50, ends_at: iso(now - 40 * day) },
      { id: 101, case_id: 51, ends_at: iso(now - 40 * day), _dirty: 1 }, // a check-in not sent yet
      { id: 102, case_id: 52, ends_at: iso(now - 2 * day) },
    ])
    await t.db.cases.bulkPut([
      { id: 50, status: 'closed', updated_at: iso(now - 35 * day) },
      { id: 53, status: 'open', updated_at: iso(now - 90 * day) }, // assigned and still open: kept
    ])
    await t.db.occurrences.put({ id: 'o50', case_id: 50 })
    await pruneOld(t.db, now)
    expect((await t.db.appointments.toArray()).map((v) => v.id).sort()).toEqual([101, 102, 7])
    expect(await t.db.cases.get(50)).toBeUndefined()
    expect(await t.db.occurrences.get('o50')).toBeUndefined()
    expect(await t.db.cases.get(53)).toBeTruthy()
  })
})
