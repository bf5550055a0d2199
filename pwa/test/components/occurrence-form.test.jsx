// @vitest-environment happy-dom
// Nova ocorrência on the phone: the choices it offers (the store's catalogs, the server's payer
// labels), what it refuses before saving, and what "Salvar ocorrência" puts in the outbox — offline.
import { fireEvent, render, screen, within } from '@testing-library/preact'
import { describe, expect, it, vi } from 'vitest'
import { getMeta } from '../../src/data/db.js'
import { OccurrenceForm } from '../../src/screens/OccurrenceForm.jsx'
import { CASE, withReplica, visit } from './replica.js'

// happy-dom has no canvas to sign on; the signature pad has its own end-to-end test.
vi.mock('../../src/components/SignatureField.jsx', () => ({ SignatureField: () => null }))

const db = withReplica()

async function openForm() {
  await db.cases.put(CASE)
  await db.appointments.put(visit({ status: 'in_progress', status_label: 'Em andamento' }))
  await db.catalog_entries.bulkPut([
    { id: 1, kind: 'occurrence_types', name: 'Peça com defeito', position: 1 },
    { id: 2, kind: 'occurrence_types', name: 'Ajuste', position: 2 },
    { id: 5, kind: 'rooms', name: 'Quarto', position: 1 },
  ])
  history.replaceState(null, '', '/visita/7/ocorrencia')
  render(<OccurrenceForm visitId={7} />)
  expect(await screen.findByRole('heading', { name: 'Nova ocorrência', level: 1 })).toBeTruthy()
}

const options = (select) =>
  within(select)
    .getAllByRole('option')
    .map((o) => o.textContent)

describe('the occurrence form', () => {
  it("offers the store's catalogs and the server's payer labels", async () => {
    await openForm()
    expect(options(screen.getByLabelText(/Tipo de ocorrência/))).toEqual(['Selecione…', 'Peça com defeito', 'Ajuste'])
    expect(options(screen.getByLabelText(/Modalidade \(quem paga\)/))).toEqual([
      'Selecione…',
      'Paga pela Loja',
      'Paga pela Fábrica',
      'Paga pelo Cliente',
      'Paga pela Transportadora',
    ])
    expect(options(screen.getByLabelText('Ambiente'))).toEqual(['Selecione…', 'Quarto'])
  })

  it('refuses to save without a type, a payer and an answer to "resolvido?", saying so at each field', async () => {
    await openForm()
    fireEvent.click(screen.getByRole('button', { name: 'Salvar ocorrência' }))

    expect(await screen.findByText('Confira os campos destacados.')).toBeTruthy()
    expect(screen.getByText('Escolha o tipo da ocorrência.')).toBeTruthy()
    expect(screen.getByText('Escolha quem paga (modalidade).')).toBeTruthy()
    expect(screen.getByText('Informe se o problema foi resolvido.')).toBeTruthy()
    expect(screen.getByLabelText(/Tipo de ocorrência/).getAttribute('aria-invalid')).toBe('true')
    expect(await db.outbox.count()).toBe(0)
    expect(location.pathname).toBe('/visita/7/ocorrencia')
  })

  it('asks why when not resolved, then saves the occurrence to the outbox and goes back to the visit', async () => {
    await openForm()
    fireEvent.change(screen.getByLabelText(/Tipo de ocorrência/), { target: { value: '1' } })
    fireEvent.change(screen.getByLabelText(/Modalidade/), { target: { value: 'factory' } })
    fireEvent.click(screen.getByLabelText('Não resolvido'))
    fireEvent.click(screen.getByRole('button', { name: 'Salvar ocorrência' }))
    expect(await screen.findByText('Explique por que não foi resolvido.')).toBeTruthy()

    fireEvent.input(screen.getByLabelText(/Motivo de não ter resolvido/), { target: { value: 'Falta a peça.' } })
    fireEvent.click(screen.getByRole('button', { name: 'Adicionar item' }))
    fireEvent.input(screen.getByLabelText(/Descrição/), { target: { value: 'Dobradiça' } })
    // The draft is kept as it is typed: a reload would not lose it.
    await vi.waitFor(async () => expect((await getMeta(db, 'draft:occurrence:7'))?.unresolved_reason).toBe('Falta a peça.'))
    fireEvent.click(screen.getByRole('button', { name: 'Salvar ocorrência' }))

    await vi.waitFor(() => expect(location.pathname).toBe('/visita/7'))
    const [entry] = await db.outbox.toArray()
    expect(entry.name).toBe('occurrence.create.v1')
    expect(entry.args).toMatchObject({
      case_id: 3,
      appointment_id: 7,
      occurrence_type_id: 1,
      payer: 'factory',
      resolved: false,
      unresolved_reason: 'Falta a peça.',
      items: [{ description: 'Dobradiça', quantity: '1', unit: 'un', action: 'replace' }],
    })
    const row = await db.occurrences.get(entry.args.id)
    expect(row.payer_label).toBe('Paga pela Fábrica') // the server's label, before any sync
    expect(await getMeta(db, 'draft:occurrence:7')).toBeNull()
  })
})
