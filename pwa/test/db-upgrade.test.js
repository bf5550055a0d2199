// The phone's database across schema versions: a phone still on version 1, with work in its
// outbox, opens the current app; nothing it has not sent may be lost. The last case follows the
// documented way to add a version (docs/pwa.md) with a test-only version 3.
import { describe, expect, it } from 'vitest'
import { getMeta, openDatabase, RECORD_TABLES, VERSIONS } from '../src/data/db.js'

const ENTRY = {
  name: 'occurrence.create.v1',
  args: { id: 'o-1', appointment_id: 7, payer: 'factory', items: [{ id: 'i-1', description: 'Dobradiça' }] },
  blob_ids: ['b-1'],
  created_at: '2026-11-28T10:00:00-03:00',
}

/** A phone on version 1 of the app: its real schema, some records, two unsent mutations, a photo. */
async function versionOnePhone() {
  const name = `upgrade-${crypto.randomUUID()}`
  const old = openDatabase(name, { versions: VERSIONS.slice(0, 1) })
  await old.open()
  expect(old.verno).toBe(1)
  expect(old.tables.map((t) => t.name)).not.toContain('suppliers')
  await old.table('cases').put({ id: 3, number: 'AT-2026-00003' })
  await old.table('outbox').bulkAdd([ENTRY, { ...ENTRY, name: 'appointment.check_out.v1', args: { id: 7 }, mutation_id: 41 }])
  await old.table('blobs').put({ id: 'b-1', blob: new Blob(['jpeg'], { type: 'image/jpeg' }) })
  await old.table('rejections').put({ mutation_id: 40, name: 'occurrence.update.v1', args: { id: 'o-0' } })
  await old.table('meta').bulkPut([
    { key: 'cursor', value: 'abc' },
    { key: 'paging', value: true },
    { key: 'client_id', value: 'phone-1' },
  ])
  const outbox = await old.table('outbox').toArray()
  old.close()
  return { name, outbox }
}

describe('database upgrades', () => {
  it('version 1 → 2 adds the suppliers and forgets the cursor, keeping the records and the whole outbox', async () => {
    const { name, outbox } = await versionOnePhone()

    const db = openDatabase(name)
    await db.open()
    expect(db.verno).toBe(VERSIONS.length)
    expect(RECORD_TABLES).toContain('suppliers')
    expect(await db.suppliers.count()).toBe(0)
    expect(await getMeta(db, 'cursor')).toBe(null)
    expect(await getMeta(db, 'paging')).toBe(null)
    expect(await getMeta(db, 'client_id')).toBe('phone-1')
    expect((await db.cases.get(3)).number).toBe('AT-2026-00003')
    expect(await db.outbox.toArray()).toEqual(outbox) // every entry, its seq, mutation_id and arguments
    expect(await db.outbox.where('mutation_id').equals(41).count()).toBe(1)
    expect(await db.rejections.get(40)).toMatchObject({ name: 'occurrence.update.v1' })
    expect((await db.blobs.get('b-1')).blob.size).toBe(4)
    // The outbox's order goes on after the upgrade: a new entry comes last.
    const seq = await db.outbox.add({ ...ENTRY, args: { id: 'o-2' } })
    expect(seq).toBeGreaterThan(Math.max(...outbox.map((e) => e.seq)))
    db.close()
  })

  it('a next version, added the documented way, re-indexes the outbox without losing an entry', async () => {
    const { name, outbox } = await versionOnePhone()
    // Test-only version 3: a new index on the outbox, and rows filled in for it.
    const next = [
      ...VERSIONS,
      {
        stores: { outbox: '++seq, mutation_id, name' },
        upgrade: (tx) =>
          tx
            .table('outbox')
            .toCollection()
            .modify((entry) => {
              entry.name = entry.name || 'unknown'
            }),
      },
    ]
    const db = openDatabase(name, { versions: next })
    await db.open()
    expect(db.verno).toBe(3)
    expect(await db.outbox.toArray()).toEqual(outbox)
    expect(await db.outbox.where('name').equals('appointment.check_out.v1').primaryKeys()).toEqual([outbox[1].seq])
    expect(await db.suppliers.count()).toBe(0) // version 2's change was made on the way
    db.close()
  })
})
