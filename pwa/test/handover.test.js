// One phone, several people (accounts.js, and login in session.js): another person's unsent work is
// checked before any login request, and each person's data lives in a database of their own.
import Dexie from 'dexie'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  bindDatabase,
  checkHandover,
  currentDatabaseName,
  directory,
  leaveDatabase,
  othersWaiting,
  PendingWorkError,
  requestPersistence,
} from '../src/data/accounts.js'
import { getMeta, openDatabase, setMeta } from '../src/data/db.js'

const ONE = { id: 1, name: 'José Carlos Batista', email: 'tecnico1@demo.assistec.com.br', role: 'technician' }
const TWO = { id: 2, name: 'Marcos Vinícius Lima', email: 'tecnico2@demo.assistec.com.br', role: 'technician' }

function memoryStorage() {
  const items = new Map()
  return {
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    setItem: (key, value) => items.set(key, String(value)),
    removeItem: (key) => items.delete(key),
  }
}

let counter = 0
const unique = () => `handover-${++counter}`

/** A database of `user` holding `pending` outbox entries (and a photo for the first). */
async function personsDb(user, pending = 0, name = unique()) {
  const db = openDatabase(name)
  await setMeta(db, 'user', user)
  await setMeta(db, 'client_id', `device-of-${user.id}`)
  for (let n = 0; n < pending; n++) await db.outbox.add({ name: 'occurrence.create.v1', args: { n }, blob_ids: ['photo-1'] })
  if (pending) await db.blobs.put({ id: 'photo-1', data: new Uint8Array([1, 2, 3]) })
  return db
}

describe('the check before any login request', () => {
  it("refuses another person's e-mail while their work is pending, saying whose and how much", async () => {
    const db = await personsDb(ONE, 2)
    const error = await checkHandover(db, TWO.email).catch((e) => e)
    expect(error).toBeInstanceOf(PendingWorkError)
    expect(error.owner).toEqual(ONE)
    expect(error.waiting).toBe(2)
    expect(error.message).toContain('2 alteração(ões) de José Carlos Batista ainda não enviadas')
    expect(error.message).toContain('Enviar depois')
  })

  it('counts refused mutations awaiting a decision as pending too', async () => {
    const db = await personsDb(ONE)
    await db.rejections.put({ mutation_id: 4, name: 'occurrence.create.v1', args: {} })
    await expect(checkHandover(db, TWO.email)).rejects.toBeInstanceOf(PendingWorkError)
  })

  it('lets the owner in whatever the case of the e-mail, and anyone when nothing is pending', async () => {
    const db = await personsDb(ONE, 1)
    expect(await checkHandover(db, '  TECNICO1@Demo.Assistec.com.br ')).toBeNull()
    expect(await checkHandover(await personsDb(ONE, 0), TWO.email)).toBeNull()
    expect(await checkHandover(openDatabase(unique()), TWO.email)).toBeNull()
  })

  it('with "Enviar depois" answers whose work is left', async () => {
    const db = await personsDb(ONE, 1)
    expect(await checkHandover(db, TWO.email, { sendLater: true })).toEqual({ owner: ONE, waiting: 1 })
  })
})

describe('one database per person', () => {
  let storage
  beforeEach(() => {
    storage = memoryStorage()
  })

  it("an existing install's database becomes its first user's", async () => {
    expect(currentDatabaseName(storage)).toBe('assistec')
    const db = openDatabase(unique())
    const { db: bound, switched } = await bindDatabase({ db, storage, user: ONE })
    expect(switched).toBe(false)
    expect(bound).toBe(db)
    expect(currentDatabaseName(storage)).toBe(db.name)
    expect(directory(storage)[ONE.id].db).toBe(db.name)
  })

  it('"Enviar depois" keeps every row of the first person and opens a new database for the second', async () => {
    const first = await personsDb(ONE, 2)
    storage.setItem('assistec:database', first.name)
    const { db: second, switched } = await bindDatabase({ db: first, storage, user: TWO })
    expect(switched).toBe(true)
    expect(second.name).toBe('assistec-user-2')
    expect(currentDatabaseName(storage)).toBe('assistec-user-2')
    expect(await getMeta(second, 'user')).toBeNull() // nothing of the first person's
    expect(await second.outbox.count()).toBe(0)
    const kept = openDatabase(first.name)
    expect(await kept.outbox.count()).toBe(2)
    expect(await kept.blobs.count()).toBe(1)
    expect(await getMeta(kept, 'client_id')).toBe('device-of-1')
    expect(othersWaiting(storage)).toEqual([{ db: first.name, name: ONE.name, email: ONE.email, waiting: 2 }])
    await second.delete()
  })

  it("the first person logging in again gets their own database back, the second's empty one goes", async () => {
    const first = await personsDb(ONE, 2)
    storage.setItem('assistec:database', first.name)
    const { db: second } = await bindDatabase({ db: first, storage, user: TWO })
    await setMeta(second, 'user', TWO)
    const { db: back, switched } = await bindDatabase({ db: second, storage, user: ONE })
    expect(switched).toBe(true)
    expect(back.name).toBe(first.name)
    expect(await back.outbox.count()).toBe(2)
    expect(await getMeta(back, 'client_id')).toBe('device-of-1')
    expect(await Dexie.exists('assistec-user-2')).toBe(false)
    expect(Object.keys(directory(storage))).toEqual([String(ONE.id)])
    expect(othersWaiting(storage)).toEqual([])
  })

  it('a new person after everything was sent starts clean in the same database, with a new device id', async () => {
    const db = await personsDb(ONE, 0)
    await db.appointments.put({ id: 7 })
    const { db: bound, switched } = await bindDatabase({ db, storage, user: TWO })
    expect(switched).toBe(false)
    expect(await bound.appointments.count()).toBe(0)
    expect(await getMeta(bound, 'client_id')).toBeNull()
    expect(directory(storage)).toEqual({ [TWO.id]: { db: db.name, name: TWO.name, email: TWO.email, waiting: 0 } })
  })

  it('logging out with work pending keeps it, signed out; with nothing pending the database goes', async () => {
    const first = await personsDb(ONE, 1)
    storage.setItem('assistec:database', first.name)
    expect(await leaveDatabase({ db: first, storage })).toBe(false)
    expect(await getMeta(first, 'signed_out')).toBe(true)
    expect(await first.outbox.count()).toBe(1)

    const { db: second } = await bindDatabase({ db: first, storage, user: TWO })
    await setMeta(second, 'user', TWO)
    expect(await leaveDatabase({ db: second, storage })).toBe(true)
    expect(await Dexie.exists('assistec-user-2')).toBe(false)
    // The phone points at the person whose work waits: the next login is asked about it.
    expect(currentDatabaseName(storage)).toBe(first.name)
  })
})

describe('persistent storage', () => {
  it('keeps what the browser answered, or null where it cannot say', async () => {
    const db = openDatabase(unique())
    expect(await requestPersistence(db, { persist: async () => true })).toBe(true)
    expect(await getMeta(db, 'storage_persisted')).toBe(true)
    await requestPersistence(db, { persist: async () => false })
    expect(await getMeta(db, 'storage_persisted')).toBe(false)
    await requestPersistence(db, undefined)
    expect(await getMeta(db, 'storage_persisted')).toBeNull()
  })
})

describe('login (session.js)', () => {
  let requests
  let session

  beforeEach(async () => {
    vi.resetModules()
    requests = []
    const storage = memoryStorage()
    const first = await personsDb(ONE, 1, unique())
    storage.setItem('assistec:database', first.name)
    vi.stubGlobal('localStorage', storage)
    vi.stubGlobal('navigator', { storage: { persist: async () => true } })
    vi.stubGlobal('fetch', async (path, init) => {
      requests.push(`${init.method} ${path}`)
      if (path === '/api/auth/login') {
        const who = JSON.parse(init.body).email.toLowerCase() === ONE.email ? ONE : TWO
        return new Response(JSON.stringify({ ...who, csrf_token: `csrf-${who.id}` }), { status: 200 })
      }
      return new Response('{}', { status: 401 })
    })
    session = await import('../src/data/session.js')
  })

  afterEach(() => vi.unstubAllGlobals())

  it("sends no request at all when another person's work is pending", async () => {
    await expect(session.login(TWO.email, 'assistec-demo', true)).rejects.toBeInstanceOf(session.PendingWorkError)
    expect(requests).toEqual([])
    expect(await getMeta(session.db, 'user')).toEqual(ONE)
  })

  it('"Enviar depois" logs in into a database of its own and keeps the persistence answer there', async () => {
    const { profile, switched } = await session.login(TWO.email, 'assistec-demo', true, { sendLater: true })
    expect(switched).toBe(true)
    expect(profile).toEqual(TWO)
    expect(requests).toEqual(['POST /api/auth/login'])
    expect(localStorage.getItem('assistec:database')).toBe('assistec-user-2')
    const mine = openDatabase('assistec-user-2')
    expect(await getMeta(mine, 'user')).toEqual(TWO)
    expect(await getMeta(mine, 'csrf')).toBe('csrf-2')
    expect(await getMeta(mine, 'storage_persisted')).toBe(true)
    expect(await session.db.outbox.count()).toBe(1) // the first person's work, untouched
    expect(await getMeta(session.db, 'signed_out')).toBe(true) // and nothing syncs it meanwhile
    await mine.delete()
  })

  it('"Sair" says first that the unsent work stays on the phone', async () => {
    const question = await session.logoutQuestion(ONE)
    expect(question).toContain('1 alteração ainda não enviada')
    expect(question).toContain('quando você entrar de novo')
    await session.db.outbox.clear()
    expect(await session.logoutQuestion(ONE)).toBe(`Sair da conta de ${ONE.name}?`)
  })

  it('the owner logs in whatever the case of the e-mail, in the same database', async () => {
    const { switched } = await session.login('Tecnico1@Demo.Assistec.com.br', 'assistec-demo', true)
    expect(switched).toBe(false)
    expect(requests[0]).toBe('POST /api/auth/login')
    expect(await getMeta(session.db, 'csrf')).toBe('csrf-1')
    expect(await session.db.outbox.count()).toBe(1)
  })
})
