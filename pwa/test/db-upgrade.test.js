// The phone's database from version 1 (no suppliers) to 2: the table appears, the records and the
// outbox stay, and the cursor goes so the next pull is a full snapshot that brings every supplier.
import Dexie from 'dexie'
import { describe, expect, it } from 'vitest'
import { getMeta, openDatabase, RECORD_TABLES } from '../src/data/db.js'

describe('database version 2', () => {
  it('adds the suppliers and forgets the cursor, keeping the records and the outbox', async () => {
    const name = `upgrade-${crypto.randomUUID()}`
    const old = new Dexie(name)
    old.version(1).stores({ cases: 'id, _dirty', outbox: '++seq, mutation_id', meta: 'key' })
    await old.open()
    await old.table('cases').put({ id: 3, number: 'AT-2026-00003' })
    await old.table('outbox').add({ op: 'occurrence.create', args: {} })
    await old.table('meta').bulkPut([
      { key: 'cursor', value: 'abc' },
      { key: 'paging', value: true },
      { key: 'client_id', value: 'phone-1' },
    ])
    old.close()

    const db = openDatabase(name)
    await db.open()
    expect(db.verno).toBe(2)
    expect(RECORD_TABLES).toContain('suppliers')
    expect(await db.suppliers.count()).toBe(0)
    expect(await getMeta(db, 'cursor')).toBe(null)
    expect(await getMeta(db, 'paging')).toBe(null)
    expect(await getMeta(db, 'client_id')).toBe('phone-1')
    expect((await db.cases.get(3)).number).toBe('AT-2026-00003')
    expect(await db.outbox.count()).toBe(1)
    db.close()
  })
})
