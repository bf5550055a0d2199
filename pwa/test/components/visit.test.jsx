// @vitest-environment happy-dom
// A visit at the customer's door: what the technician reads there, and the check-in/check-out that
// go to the outbox at once, with the server's labels, before any signal.
import { fireEvent, render, screen } from '@testing-library/preact'
import { describe, expect, it } from 'vitest'
import { Visit } from '../../src/screens/Visit.jsx'
import { CASE, TZ, withReplica, visit } from './replica.js'

const db = withReplica()

describe('the visit', () => {
  it('shows the case, the customer with a call and a WhatsApp link, the complaint, the address and the occurrences', async () => {
    await db.cases.put(CASE)
    await db.appointments.put(visit())
    await db.occurrences.put({ id: 'o-1', case_id: 3, appointment_id: 7, occurrence_type: { name: 'Peça com defeito' }, payer_label: 'Paga pela Fábrica' })
    render(<Visit id={7} timeZone={TZ} />)

    expect(await screen.findByRole('heading', { name: 'AT-2026-00003', level: 1 })).toBeTruthy()
    expect(screen.getByText('Agendado')).toBeTruthy()
    expect(screen.getByText('Maria Souza')).toBeTruthy()
    expect(screen.getByRole('link', { name: 'Ligar (11) 98765-4321' }).getAttribute('href')).toBe('tel:+5511987654321')
    expect(screen.getByRole('link', { name: 'WhatsApp' }).getAttribute('href')).toBe('https://wa.me/5511987654321')
    expect(screen.getByText('Porta do roupeiro desalinhada.')).toBeTruthy()
    expect(screen.getByTestId('access-notes').textContent).toBe('Acesso: Portaria: avisar o síndico.')
    expect(screen.getByRole('link', { name: 'Nova ocorrência' }).getAttribute('href')).toBe('/visita/7/ocorrencia')
    expect(screen.getByTestId('occurrence').textContent).toContain('Peça com defeito · Paga pela Fábrica')
    expect(screen.queryByRole('button', { name: 'Encerrar visita (check-out)' })).toBeNull()
  })

  it('checks in and out offline: the outbox holds both, the status follows with the server’s label', async () => {
    await db.cases.put(CASE)
    await db.appointments.put(visit())
    render(<Visit id={7} timeZone={TZ} />)

    fireEvent.click(await screen.findByRole('button', { name: 'Iniciar visita (check-in)' }))
    expect(await screen.findByText('Em andamento')).toBeTruthy()
    expect(await screen.findByText(/^Check-in: /)).toBeTruthy()
    fireEvent.click(await screen.findByRole('button', { name: 'Encerrar visita (check-out)' }))
    expect(await screen.findByText('Concluído')).toBeTruthy()
    expect(screen.queryByRole('button', { name: /check-in|check-out/ })).toBeNull()
    // The report waits for the check-out to reach the server.
    expect((await screen.findByTestId('visit-report')).textContent).toContain('O relatório fica disponível quando a visita e as ocorrências forem enviadas')

    const outbox = await db.outbox.toArray()
    expect(outbox.map((e) => e.name)).toEqual(['appointment.check_in.v1', 'appointment.check_out.v1'])
    expect(outbox.every((e) => e.args.appointment_id === 7)).toBe(true)
  })

  it('says the visit left the agenda when it is no longer on the phone', async () => {
    render(<Visit id={99} timeZone={TZ} />)
    expect(await screen.findByText('Esta visita não está mais na sua agenda (cancelada ou passada a outro técnico).')).toBeTruthy()
    expect(screen.getByRole('link', { name: 'Voltar à agenda' }).getAttribute('href')).toBe('/agenda')
  })
})
