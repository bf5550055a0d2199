import { describe, expect, it } from 'vitest'
import { ApiError, NetworkError } from '../../src/data/api.js'
import { conflictLines, doubleBooking, sendAllowingOverlap } from '../../src/office/calendar/conflict.js'
import { noticeSummary } from '../../src/office/calendar/notices.js'

const TZ = 'America/Sao_Paulo'
// The server's 409 (server/appointments/service.py, _check_overlap).
const clash = () =>
  new ApiError(409, {
    type: 'https://assistec.com.br/problems/double-booking',
    title: 'Conflito',
    status: 409,
    detail: 'José já tem compromisso neste horário (AT-2026-00001 às 28/11/2026 09:00). Escolha outro horário ou confirme o encaixe para agendar mesmo assim.',
    conflicts: [
      { id: 4, starts_at: '2026-11-28T09:00:00-03:00', ends_at: '2026-11-28T10:30:00-03:00', case_number: 'AT-2026-00001', subject: 'Vistoria' },
      { id: 5, starts_at: '2026-11-28T13:00:00Z', ends_at: '2026-11-28T14:00:00Z', case_number: 'AT-2026-00002', subject: null },
    ],
  })

describe('double-booking', () => {
  it('recognises the 409 double-booking problem and nothing else', () => {
    expect(doubleBooking(clash())).toMatchObject({ detail: expect.stringContaining('encaixe'), conflicts: [{ id: 4 }, { id: 5 }] })
    const other409 = new ApiError(409, { type: 'https://assistec.com.br/problems/not-movable', detail: 'Não é possível reagendar.' })
    expect(doubleBooking(other409)).toBeNull()
    expect(doubleBooking(new ApiError(422, { errors: { ends_at: ['…'] } }))).toBeNull()
    expect(doubleBooking(new NetworkError('offline'))).toBeNull()
  })

  it('lists the clashes in pt-BR on the store clock', () => {
    expect(conflictLines(doubleBooking(clash()), TZ)).toEqual([
      'AT-2026-00001, 28/11/2026 das 09:00 às 10:30 (Vistoria)',
      'AT-2026-00002, 28/11/2026 das 10:00 às 11:00',
    ])
  })

  it('saves at once when nothing clashes, without asking', async () => {
    const sent = []
    const result = await sendAllowingOverlap(
      async (body) => (sent.push(body), { id: 9 }),
      { starts_at: 'x' },
      () => {
        throw new Error('must not ask')
      },
    )
    expect(result).toEqual({ saved: { id: 9 } })
    expect(sent).toEqual([{ starts_at: 'x' }])
  })

  it('asks on a clash; confirming sends the same change again with allow_overlap', async () => {
    const sent = []
    let asked = null
    const send = async (body) => {
      sent.push(body)
      if (!body.allow_overlap) throw clash()
      return { id: 9, allow_overlap: true }
    }
    const result = await sendAllowingOverlap(send, { starts_at: '2026-11-28T09:30:00' }, async (conflict) => ((asked = conflict), true))
    expect(asked.conflicts.map((c) => c.case_number)).toEqual(['AT-2026-00001', 'AT-2026-00002'])
    expect(sent).toEqual([{ starts_at: '2026-11-28T09:30:00' }, { starts_at: '2026-11-28T09:30:00', allow_overlap: true }])
    expect(result).toEqual({ saved: { id: 9, allow_overlap: true }, overlap: true })
  })

  it('cancelling sends nothing more (the caller reverts the drag)', async () => {
    let calls = 0
    const send = async () => {
      calls++
      throw clash()
    }
    const result = await sendAllowingOverlap(send, {}, async () => false)
    expect(calls).toBe(1)
    expect(result.cancelled).toBe(true)
    expect(result.conflict.conflicts).toHaveLength(2)
  })

  it('any other error reaches the caller untouched', async () => {
    const refused = new ApiError(409, { type: 'https://assistec.com.br/problems/not-movable', detail: 'Não é possível reagendar um compromisso concluído.' })
    await expect(
      sendAllowingOverlap(
        async () => Promise.reject(refused),
        {},
        async () => true,
      ),
    ).rejects.toBe(refused)
  })
})

describe('whether the technician was notified', () => {
  const notice = (over) => ({
    id: 1,
    kind: 'assigned',
    recipient: { id: 12, name: 'José' },
    status: 'sent',
    sent_at: '2026-11-28T09:31:00-03:00',
    created_at: '2026-11-28T09:30:00-03:00',
    ...over,
  })

  it("reads the newest notice to the visit's current technician", () => {
    const notices = [
      notice({ id: 1 }),
      notice({ id: 2, kind: 'reassigned_away' }),
      notice({ id: 3, recipient: { id: 15 }, status: 'no_devices', sent_at: null }),
    ]
    expect(noticeSummary(notices, 12, TZ)).toEqual({ state: 'sent', text: 'Técnico notificado em 28/11/2026 às 09:31 (visita passada a outro técnico).' })
    expect(noticeSummary(notices, 15, TZ).state).toBe('no_devices')
    expect(noticeSummary(notices, 15, TZ).text).toMatch(/^Técnico sem notificações ativadas/)
  })

  it('says so when there is none, or it is waiting, gone or failed', () => {
    expect(noticeSummary([], 12, TZ).state).toBe('none')
    expect(noticeSummary([notice({ status: 'pending', sent_at: null })], 12, TZ).text).toMatch(/fila de envio/)
    expect(noticeSummary([notice({ status: 'gone', sent_at: null })], 12, TZ).state).toBe('gone')
    expect(noticeSummary([notice({ status: 'failed', sent_at: null })], 12, TZ).state).toBe('failed')
  })
})
