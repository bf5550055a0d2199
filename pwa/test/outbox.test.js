// Honest outbox states (outbox.js): "aguardando envio" until a push containing the entry was
// answered; a waiting entry can be edited or discarded, and a numbered one only after the server
// said it has not applied it — discarding renumbers what follows, so no gap ever reaches it.
import { describe, expect, it } from 'vitest'
import { record } from '../src/data/mutations.js'
import { canResend, discardPending, editPending, entryState, SENT, WAITING } from '../src/data/outbox.js'
import { checkIn, dropNext, phone } from './helpers.js'

const PUSH = '/api/sync/push'
const PULL = '/api/sync/pull'
const notes = (text) => ['appointment.notes.v1', { appointment_id: 7, notes: text }]

function sentPushes(server) {
  const pushes = []
  const original = server.fetch
  server.fetch = (path, init) => {
    if (path === PUSH) pushes.push(JSON.parse(init.body).mutations.map((m) => [m.id, m.args.notes ?? m.name]))
    return original(path, init)
  }
  return pushes
}

describe('entry states', () => {
  it('work done offline is waiting, unnumbered, and can be edited and discarded', async () => {
    const t = await phone()
    t.net.online = false
    const a = await record(t.db, ...notes('primeira'))
    const b = await record(t.db, ...notes('segunda'))
    await t.engine.sync()
    const entries = await t.db.outbox.toArray()
    expect(entries.map(entryState)).toEqual([WAITING, WAITING])
    expect(entries.map((e) => e.mutation_id)).toEqual([null, null])

    await editPending(t.db, a.seq, { appointment_id: 7, notes: 'primeira, corrigida' }, t.deps)
    await discardPending(t.db, b.seq, t.deps)
    expect((await t.db.appointments.get(7)).technician_notes).toBe('primeira, corrigida')

    t.net.online = true
    const pushes = sentPushes(t.server)
    await t.engine.sync()
    expect(pushes).toEqual([[[1, 'primeira, corrigida']]])
    expect(t.server.applied).toEqual([1])
  })

  it('is "sent" only once a push containing it was answered', async () => {
    const t = await phone()
    const entry = await record(t.db, ...checkIn())
    dropNext(t.server, PULL) // the push is answered, the pull that would confirm it is lost
    await t.engine.sync()
    const [kept] = await t.db.outbox.toArray()
    expect(kept.mutation_id).toBe(1)
    expect(entryState(kept)).toBe(SENT)
    await expect(editPending(t.db, entry.seq, { appointment_id: 7, at: 'x' }, t.deps)).rejects.toThrow(/Já chegou ao escritório/)
  })

  it('numbered but unanswered stays waiting', async () => {
    const t = await phone()
    await record(t.db, ...checkIn())
    dropNext(t.server, PUSH)
    await t.engine.sync()
    const [kept] = await t.db.outbox.toArray()
    expect(kept.mutation_id).toBe(1)
    expect(entryState(kept)).toBe(WAITING)
  })
})

describe('changing a numbered entry', () => {
  it('edits in place when the server has not applied it; the server gets the edit exactly once', async () => {
    const t = await phone()
    const a = await record(t.db, ...notes('antes'))
    dropNext(t.server, PUSH) // lost before it reached the server
    await t.engine.sync()
    await editPending(t.db, a.seq, { appointment_id: 7, notes: 'depois' }, t.deps)
    const pushes = sentPushes(t.server)
    await t.engine.sync()
    expect(pushes).toEqual([[[1, 'depois']]])
    expect(t.server.applied).toEqual([1])
    expect(await t.db.outbox.count()).toBe(0)
  })

  it('discarding renumbers the later unapplied entries, so the server sees no gap', async () => {
    const t = await phone()
    const a = await record(t.db, ...notes('um'))
    await record(t.db, ...notes('dois'))
    await record(t.db, ...notes('três'))
    dropNext(t.server, PUSH)
    await t.engine.sync()
    expect((await t.db.outbox.toArray()).map((e) => e.mutation_id)).toEqual([1, 2, 3])

    await discardPending(t.db, a.seq, t.deps)
    expect((await t.db.outbox.toArray()).map((e) => e.mutation_id)).toEqual([null, null])
    const pushes = sentPushes(t.server)
    await t.engine.sync()
    expect(pushes).toEqual([
      [
        [1, 'dois'],
        [2, 'três'],
      ],
    ])
    expect(t.server.applied).toEqual([1, 2])
    expect(await t.db.outbox.count()).toBe(0)
  })

  it('renumbers from the server’s last id when earlier entries were applied', async () => {
    const t = await phone()
    await record(t.db, ...notes('um'))
    await t.engine.sync() // id 1 applied and confirmed
    const b = await record(t.db, ...notes('dois'))
    await record(t.db, ...notes('três'))
    dropNext(t.server, PUSH)
    await t.engine.sync()
    await discardPending(t.db, b.seq, t.deps)
    const pushes = sentPushes(t.server)
    await t.engine.sync()
    expect(pushes).toEqual([[[2, 'três']]])
    expect(t.server.applied).toEqual([1, 2])
  })

  it('refuses when the server applied it from a request whose answer was lost', async () => {
    const t = await phone()
    const a = await record(t.db, ...notes('chegou'))
    t.server.script.push({ match: (p) => p === PUSH, dropAfter: true })
    await t.engine.sync()
    const [kept] = await t.db.outbox.toArray()
    expect(entryState(kept)).toBe(WAITING) // the phone never heard back…
    await expect(discardPending(t.db, a.seq, t.deps)).rejects.toThrow(/Já chegou ao escritório/) // …but the server has it
    expect(await t.db.outbox.count()).toBe(1)
    expect(entryState(await t.db.outbox.get(a.seq))).toBe(SENT)
  })

  it('says it cannot know while the server is out of reach, and keeps the entry', async () => {
    const t = await phone()
    const a = await record(t.db, ...notes('talvez'))
    dropNext(t.server, PUSH)
    await t.engine.sync()
    dropNext(t.server, PUSH) // the question (an empty push) fails too
    await expect(editPending(t.db, a.seq, { appointment_id: 7, notes: 'x' }, t.deps)).rejects.toThrow(/não dá para saber/)
    expect((await t.db.outbox.get(a.seq)).args.notes).toBe('talvez')
  })
})

describe('refusals', () => {
  it('offers a resend unless the server says a resend cannot change the outcome', async () => {
    const t = await phone()
    t.server.rejectWhen = () => 'Não é possível mudar o compromisso de Em andamento para Em andamento.'
    await record(t.db, ...checkIn())
    await t.engine.sync()
    const [rejection] = await t.db.rejections.toArray()
    expect(rejection.retryable).toBeUndefined() // an older server: treated as retryable
    expect(canResend(rejection)).toBe(true)
    expect(canResend({ ...rejection, retryable: true })).toBe(true)
  })

  it('keeps retryable: false from the server, and then offers no resend', async () => {
    const t = await phone()
    t.server.rejectWhen = () => ({ message: 'Check-in já feito em outro aparelho.', retryable: false })
    await record(t.db, ...checkIn())
    await t.engine.sync()
    const [rejection] = await t.db.rejections.toArray()
    expect(rejection.message).toBe('Check-in já feito em outro aparelho.')
    expect(rejection.retryable).toBe(false)
    expect(canResend(rejection)).toBe(false)
  })
})
