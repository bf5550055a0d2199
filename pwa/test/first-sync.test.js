// The first sync's bookkeeping in apply-pull: the progress the agenda shows while a snapshot is paged.
import { describe, expect, it } from 'vitest'
import { applyPull, FIRST_SYNC } from '../src/data/apply-pull.js'
import { getMeta, openDatabase } from '../src/data/db.js'

let counter = 0
const visit = (id, day = '2026-11-28') => ({
  id,
  case_id: id,
  status: 'scheduled',
  starts_at: `${day}T09:00:00-03:00`,
  ends_at: `${day}T10:00:00-03:00`,
})
const figures = (sent, total) => ({ visits_sent: sent, visits_total: total })
const page = ({ reset = false, more = true, progress = null, visits = [] }) => ({
  cursor: `c${++counter}`,
  last_mutation_id: 0,
  reset,
  more,
  progress,
  changes: visits.length ? { appointments: { upsert: visits, delete: [] } } : {},
  rejections: [],
})

describe('first sync progress', () => {
  it('keeps each page’s progress until the last page, which clears it and stamps the sync', async () => {
    const db = openDatabase(`first-sync-${++counter}`)
    await db.appointments.put(visit(99, '2026-10-01')) // an earlier user's or stale row: the reset drops it

    await applyPull(db, page({ reset: true, progress: figures(2, 5), visits: [visit(4), visit(5)] }))
    expect(await getMeta(db, FIRST_SYNC)).toEqual({ visits_sent: 2, visits_total: 5 })
    expect(await getMeta(db, 'last_sync_at')).toBeNull()
    expect((await db.appointments.toArray()).map((v) => v.id)).toEqual([4, 5])

    await applyPull(db, page({ progress: figures(4, 5), visits: [visit(1), visit(2)] }))
    expect(await getMeta(db, FIRST_SYNC)).toEqual({ visits_sent: 4, visits_total: 5 })
    expect(await db.appointments.count()).toBe(4) // a later page adds, never clears

    await applyPull(db, page({ more: false, progress: figures(5, 5), visits: [visit(3), visit(4)] }))
    expect(await getMeta(db, FIRST_SYNC)).toBeNull()
    expect(await getMeta(db, 'last_sync_at')).not.toBeNull()
    expect((await db.appointments.toArray()).map((v) => v.id)).toEqual([1, 2, 3, 4, 5])
  })

  it('leaves no progress behind after a one-page snapshot or a delta', async () => {
    const db = openDatabase(`first-sync-${++counter}`)
    await applyPull(db, page({ reset: true, more: false, progress: figures(1, 1), visits: [visit(1)] }))
    expect(await getMeta(db, FIRST_SYNC)).toBeNull()
    await applyPull(db, page({ more: false, visits: [visit(2)] }))
    expect(await getMeta(db, FIRST_SYNC)).toBeNull()
    expect(await db.appointments.count()).toBe(2)
  })

  it('starts over with a new snapshot’s figures when a reset comes mid-way', async () => {
    const db = openDatabase(`first-sync-${++counter}`)
    await applyPull(db, page({ reset: true, progress: figures(3, 9), visits: [visit(1)] }))
    await db.meta.put({ key: 'paging', value: false }) // the paging was abandoned (a stale cursor)
    await applyPull(db, page({ reset: true, progress: figures(1, 7), visits: [visit(2)] }))
    expect(await getMeta(db, FIRST_SYNC)).toEqual({ visits_sent: 1, visits_total: 7 })
    expect((await db.appointments.toArray()).map((v) => v.id)).toEqual([2])
  })
})
