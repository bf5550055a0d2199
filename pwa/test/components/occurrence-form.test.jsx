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

  it("offers the contract's items on each item; picking one fills it and the outbox entry links it", async () => {
    await db.contracts.put({
      id: 9,
      number: 'CT-100',
      items: [{ id: 41, room: { id: 5, name: 'Quarto' }, code: 'RP-204', description: 'Roupeiro 4 portas', supplier: { id: 2, name: 'Móveis Sul' } }],
    })
    await openForm()
    await db.cases.put({ ...CASE, contract: { id: 9, number: 'CT-100' } }) // the form follows the replica live
    fireEvent.change(screen.getByLabelText(/Tipo de ocorrência/), { target: { value: '1' } })
    fireEvent.change(screen.getByLabelText(/Modalidade/), { target: { value: 'factory' } })
    fireEvent.click(screen.getByLabelText('Sim, resolvido'))
    fireEvent.click(screen.getByRole('button', { name: 'Adicionar item' }))

    const select = await screen.findByLabelText('Item do contrato')
    expect(options(select)).toEqual(['—', 'Quarto · RP-204 · Roupeiro 4 portas'])
    fireEvent.change(select, { target: { value: '41' } })
    expect(screen.getByLabelText(/Descrição/).value).toBe('Roupeiro 4 portas')
    expect(screen.getByLabelText('Código').value).toBe('RP-204')
    expect(screen.getByLabelText('Fornecedor').value).toBe('Móveis Sul')
    fireEvent.input(screen.getByLabelText('Código'), { target: { value: 'RP-204-B' } }) // still editable
    await vi.waitFor(async () => expect((await getMeta(db, 'draft:occurrence:7'))?.items[0].contract_item_id).toBe(41))
    fireEvent.click(screen.getByRole('button', { name: 'Salvar ocorrência' }))

    await vi.waitFor(() => expect(location.pathname).toBe('/visita/7'))
    const [entry] = await db.outbox.toArray()
    expect(entry.args.items).toMatchObject([{ contract_item_id: 41, code: 'RP-204-B', description: 'Roupeiro 4 portas', supplier: 'Móveis Sul' }])
  })
})
