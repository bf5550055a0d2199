// @vitest-environment happy-dom
// Pendências: what waits to be sent and what the server refused, each with its case and customer,
// and the technician's own choice to discard one.
import { fireEvent, render, screen, within } from '@testing-library/preact'
import { describe, expect, it, vi } from 'vitest'
import { record } from '../../src/data/mutations.js'
import { Pending } from '../../src/screens/Pending.jsx'
import { CASE, TZ, withReplica, visit } from './replica.js'

const db = withReplica()

const occurrenceArgs = {
  id: 'o-1',
  case_id: 3,
  appointment_id: 7,
  occurrence_type_id: 1,
  payer: 'factory',
  resolved: true,
  items: [{ id: 'i-1', description: 'Dobradiça' }],
  attachment_ids: [],
}

describe('Pendências', () => {
  it('lists the waiting entries with their case and customer, and says when the queue is empty', async () => {
    await db.cases.put(CASE)
    await db.appointments.put(visit())
    await record(db, 'appointment.check_in.v1', { appointment_id: 7, at: '2026-11-28T10:00:00-03:00' }, { summary: 'AT-2026-00003 · Maria Souza' })
    await record(db, 'occurrence.create.v1', occurrenceArgs, { summary: 'AT-2026-00003 · Maria Souza' })
    render(<Pending timeZone={TZ} />)

    expect(await screen.findByRole('heading', { name: 'Pendências', level: 1 })).toBeTruthy()
    const entries = await screen.findAllByTestId('pending')
    expect(entries.map((e) => e.querySelector('strong').textContent)).toEqual(['Check-in', 'Nova ocorrência'])
    expect(entries[1].textContent).toContain('AT-2026-00003 · Maria Souza · 1 item(ns), 0 foto(s)')
    expect(within(entries[0]).getByTestId('entry-state').textContent).toBe('aguardando envio')
    expect(within(entries[1]).getByRole('link', { name: 'Editar' }).getAttribute('href')).toMatch(/^\/pendencias\/editar\/\d+$/)
    expect(within(entries[0]).queryByRole('link', { name: 'Editar' })).toBeNull() // only an occurrence is edited in a form
    expect(screen.getByText('Nenhuma.')).toBeTruthy() // no refusal
  })

  it('discards an entry only when the technician confirms', async () => {
    await db.appointments.put(visit())
    await record(db, 'appointment.check_in.v1', { appointment_id: 7, at: '2026-11-28T10:00:00-03:00' }, { summary: 'AT-2026-00003' })
    render(<Pending timeZone={TZ} />)
    const confirm = vi.fn(() => false)
    vi.stubGlobal('confirm', confirm)

    fireEvent.click(await screen.findByRole('button', { name: 'Descartar' }))
    await vi.waitFor(() => expect(confirm).toHaveBeenCalled())
    expect(await db.outbox.count()).toBe(1)
    expect(screen.getAllByTestId('pending')).toHaveLength(1)

    confirm.mockReturnValue(true)
    fireEvent.click(screen.getByRole('button', { name: 'Descartar' }))
    expect(await screen.findByText('Nada pendente: tudo foi enviado.')).toBeTruthy()
    expect(await db.outbox.count()).toBe(0)
  })

  it("shows a refusal in the server's words, with its field messages and a way to correct it", async () => {
    await db.appointments.put(visit())
    await db.rejections.put({
      mutation_id: 41,
      name: 'occurrence.create.v1',
      args: occurrenceArgs,
      message: 'Verifique os campos destacados.',
      errors: { payer: ['Modalidade inválida.'] },
      text: 'AT-2026-00003',
      status: 422,
    })
    render(<Pending timeZone={TZ} />)

    const refusal = await screen.findByTestId('rejection')
    expect(refusal.textContent).toContain('Nova ocorrência')
    expect(refusal.textContent).toContain('Verifique os campos destacados.')
    expect(within(refusal).getByRole('listitem').textContent).toBe('Modalidade inválida.')
    expect(within(refusal).getByRole('link', { name: 'Corrigir e reenviar' }).getAttribute('href')).toBe('/pendencias/recusada/41')
  })
})
