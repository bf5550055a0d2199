// @vitest-environment happy-dom
// Minha agenda as the technician sees it: the visits of today and the coming days from the replica,
// grouped by day, with the customer, the place, the status and what is not sent yet.
import { render, screen, within } from '@testing-library/preact'
import { describe, expect, it } from 'vitest'
import { Agenda } from '../../src/screens/Agenda.jsx'
import { CASE, TZ, localTime, withReplica, visit } from './replica.js'

const db = withReplica()

describe('the agenda', () => {
  it("lists today's and tomorrow's visits by day, with the customer, the place and the status; a cancelled one is left out", async () => {
    await db.cases.bulkPut([CASE, { ...CASE, id: 4, number: 'AT-2026-00004', customer: { id: 22, name: 'João Lima' } }])
    await db.appointments.bulkPut([
      visit(),
      visit({ id: 8, case_id: 4, starts_at: localTime(1, 9), ends_at: localTime(1, 10), status: 'confirmed', status_label: 'Confirmado', _dirty: 1 }),
      visit({ id: 9, starts_at: localTime(0, 16), ends_at: localTime(0, 17), status: 'cancelled', status_label: 'Cancelado' }),
      visit({ id: 10, starts_at: localTime(-3, 9), ends_at: localTime(-3, 10), status: 'done', status_label: 'Concluído' }), // past and closed
    ])
    render(<Agenda timeZone={TZ} />)

    expect(await screen.findByRole('heading', { name: 'Minha agenda' })).toBeTruthy()
    const visits = await screen.findAllByTestId('visit')
    expect(visits).toHaveLength(2)
    const [today, tomorrow] = visits
    expect(today.getAttribute('href')).toBe('/visita/7')
    expect(today.textContent).toContain('14:00–15:00')
    expect(today.textContent).toContain('Maria Souza')
    expect(today.textContent).toContain('Centro · Campinas')
    expect(today.textContent).toContain('Assistência · AT-2026-00003')
    expect(within(today).getByText('Agendado')).toBeTruthy()
    expect(within(today).queryByText('Não enviado')).toBeNull()
    expect(tomorrow.textContent).toContain('João Lima')
    expect(within(tomorrow).getByText('Confirmado')).toBeTruthy()
    expect(within(tomorrow).getByText('Não enviado')).toBeTruthy()
    // One heading per day, today's first.
    const days = screen.getAllByRole('heading', { level: 2 }).filter((h) => h.id.startsWith('day-'))
    expect(days).toHaveLength(2)
    expect(days[0].id < days[1].id).toBe(true)
    expect(screen.queryByText(/Nenhuma visita marcada/)).toBeNull()
  })

  it("keeps last night's visit that runs into today, under the day it started", async () => {
    await db.cases.bulkPut([CASE])
    await db.appointments.bulkPut([
      visit({ id: 11, starts_at: localTime(-1, 22), ends_at: localTime(0, 1) }),
      visit({ id: 12, starts_at: localTime(-1, 20), ends_at: localTime(-1, 21) }), // ended yesterday
    ])
    render(<Agenda timeZone={TZ} />)
    const [night] = await screen.findAllByTestId('visit')
    expect(screen.getAllByTestId('visit')).toHaveLength(1)
    expect(night.getAttribute('href')).toBe('/visita/11')
    expect(night.textContent).toContain('22:00–01:00')
  })

  it('says so when there is no visit, once a first sync has ended', async () => {
    render(<Agenda timeZone={TZ} />)
    expect(await screen.findByText('Nenhuma visita marcada para hoje ou os próximos dias.')).toBeTruthy()
    expect(screen.queryAllByTestId('visit')).toHaveLength(0)
  })

  it('shows the first sync under way instead of "no visits" before any sync has ended', async () => {
    await db.meta.delete('last_sync_at')
    await db.meta.put({ key: 'first_sync', value: { visits_sent: 3, visits_total: 12 } })
    render(<Agenda timeZone={TZ} />)
    expect((await screen.findByTestId('first-sync')).textContent).toContain('Baixando sua agenda…')
    expect(screen.queryByText(/Nenhuma visita marcada/)).toBeNull()
  })
})
