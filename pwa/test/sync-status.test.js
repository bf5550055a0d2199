// The sync status machine and its retries (sync.js): what the bar says follows what happened,
// and a failed sync is retried by a timer alone, with backoff, honouring Retry-After.
import { describe, expect, it } from 'vitest'
import { record } from '../src/data/mutations.js'
import { backoff, retryAfterSeconds } from '../src/data/sync.js'
import { problem } from './fake-server.js'
import { checkIn, dropNext, phone } from './helpers.js'

const PUSH = '/api/sync/push'

describe('retries', () => {
  it('a network error shows "retrying", not offline, and is retried by the timer alone', async () => {
    const t = await phone()
    await record(t.db, ...checkIn())
    dropNext(t.server, PUSH)
    await t.engine.sync()
    const state = t.engine.state()
    expect(state.status).toBe('retrying')
    expect(state.reason).toBe('network')
    expect(state.offline).toBe(false)
    expect(t.clock.due()).toEqual([3000]) // 2 s × (1 + 0.5 jitter)
    expect(t.server.applied).toEqual([])

    await t.clock.advance(2999)
    expect(t.server.applied).toEqual([]) // not before its time
    await t.clock.advance(1) // no event, no tap: only the timer
    expect(t.server.applied).toEqual([1])
    expect(t.engine.state().status).toBe('idle')
    expect(await t.db.outbox.count()).toBe(0)
    expect(t.clock.due()).toEqual([]) // nothing left scheduled after success
  })

  it('offline only after a retry failed too, or when the browser says so', async () => {
    const t = await phone()
    await record(t.db, ...checkIn())
    dropNext(t.server, PUSH)
    dropNext(t.server, PUSH)
    await t.engine.sync()
    expect(t.engine.state().status).toBe('retrying')
    await t.clock.advance(3000)
    expect(t.engine.state().status).toBe('offline') // the retry failed as well
    expect(t.engine.state().retryAt).not.toBeNull() // and it keeps trying while the browser says online
    expect(t.clock.due()).toEqual([6000])
    await t.clock.advance(6000)
    expect(t.engine.state().status).toBe('idle')
    expect(t.server.applied).toEqual([1])

    t.net.online = false
    await record(t.db, ...checkIn('2026-11-28T09:06:00-03:00'))
    t.server.calls.length = 0
    await t.engine.sync()
    expect(t.engine.state().status).toBe('offline')
    expect(t.engine.state().retryAt).toBeNull() // no countdown: it waits for the `online` event
    expect(t.clock.due()).toEqual([])
    expect(t.server.calls).toEqual([]) // nothing attempted while the browser is offline…
    expect((await t.db.outbox.toArray())[0].mutation_id).toBeNull() // …so nothing is numbered
  })

  it('back online, it syncs at once and starts the backoff afresh', async () => {
    const t = await phone()
    t.net.online = false
    t.engine.setOffline(true)
    await record(t.db, ...checkIn())
    expect(t.engine.state().status).toBe('offline')
    t.net.online = true
    t.engine.setOffline(false)
    await t.engine.sync()
    expect(t.server.applied).toEqual([1])
    expect(t.engine.state().status).toBe('idle')
  })

  it('503 with Retry-After is not retried before it', async () => {
    const t = await phone()
    await record(t.db, ...checkIn())
    t.server.script.push({ match: (p) => p === PUSH, respond: () => problem(503, 'Servidor ocupado', { 'Retry-After': '20' }) })
    await t.engine.sync()
    expect(t.engine.state().status).toBe('retrying')
    expect(t.engine.state().reason).toBe('server')
    expect(t.engine.state().error).toBe('Servidor ocupado')
    expect(t.clock.due()).toEqual([20000])
    await t.clock.advance(19999)
    expect(t.server.applied).toEqual([])
    await t.clock.advance(1)
    expect(t.server.applied).toEqual([1])
    expect(t.engine.state().status).toBe('idle')
  })

  it('a 500 without Retry-After backs off like a network error', async () => {
    const t = await phone()
    await record(t.db, ...checkIn())
    t.server.script.push({ match: (p) => p === PUSH, respond: () => problem(500, 'Erro interno') })
    await t.engine.sync()
    expect(t.engine.state().status).toBe('retrying')
    expect(t.clock.due()).toEqual([3000])
  })

  it('doubles the wait on each failure, is capped near a minute, and success resets it', async () => {
    const t = await phone()
    await record(t.db, ...checkIn())
    const waits = []
    for (let i = 0; i < 8; i += 1) {
      dropNext(t.server, PUSH)
      if (i === 0) await t.engine.sync()
      else await t.clock.advance(t.clock.due()[0])
      waits.push(t.clock.due()[0])
    }
    expect(waits).toEqual([3000, 6000, 12000, 24000, 48000, 60000, 60000, 60000])
    await t.clock.advance(60000) // this one goes through
    expect(t.engine.state().status).toBe('idle')
    expect(t.server.applied).toEqual([1])

    await record(t.db, ...checkIn('2026-11-28T09:07:00-03:00'))
    dropNext(t.server, PUSH)
    await t.engine.sync()
    expect(t.clock.due()).toEqual([3000]) // back to the first step
  })

  it('"Tentar agora" (a sync call) replaces the pending retry', async () => {
    const t = await phone()
    await record(t.db, ...checkIn())
    dropNext(t.server, PUSH)
    await t.engine.sync()
    expect(t.clock.due()).toHaveLength(1)
    await t.engine.sync()
    expect(t.server.applied).toEqual([1])
    expect(t.clock.due()).toEqual([])
  })

  it('reports photo upload progress while photos go, and clears it afterwards', async () => {
    const t = await phone()
    const blobs = [1, 2, 3].map(() => ({
      id: crypto.randomUUID(),
      kind: 'photo',
      store_id: 1,
      type: 'image/jpeg',
      sha256: 'ab'.repeat(32),
      data: new Uint8Array([0xff, 0xd8, 0xff]),
    }))
    const args = { id: crypto.randomUUID(), case_id: 3, appointment_id: 7, items: [], attachment_ids: blobs.map((b) => b.id) }
    await record(t.db, 'occurrence.create.v1', args, { blobs })
    const seen = []
    t.engine.subscribe((s) => s.photos && seen.push(`${s.photos.done}/${s.photos.total}`))
    await t.engine.sync()
    expect(seen).toEqual(['0/3', '1/3', '2/3', '3/3'])
    expect(t.engine.state().photos).toBeNull()
    expect(t.server.applied).toEqual([1])
  })
})

describe('backoff and Retry-After', () => {
  it('first retry within 2–4 s, doubling, never above 60 s', () => {
    expect(backoff(1, () => 0)).toBe(2)
    expect(backoff(1, () => 0.999)).toBeLessThan(4)
    expect(backoff(2, () => 0)).toBe(4)
    expect(backoff(10, () => 0.999)).toBe(60)
  })

  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-12-05T12:00:00Z')
    expect(retryAfterSeconds('7', now)).toBe(7)
    expect(retryAfterSeconds('Sat, 05 Dec 2026 12:00:30 GMT', now)).toBe(30)
    expect(retryAfterSeconds(null, now)).toBeNull()
    expect(retryAfterSeconds('soon', now)).toBeNull()
  })
})
