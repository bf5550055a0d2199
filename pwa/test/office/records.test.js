import { describe, expect, it } from 'vitest'
import { customerBody, customerErrors, customerForm } from '../../src/office/records/customer-form.js'

describe('customer form', () => {
  it('sends phones as a list and blanks as null', () => {
    const form = { ...customerForm({ name: 'Ana', phones: ['11987654321'], document: null }), phones: '11987654321, (11) 3333-4444', email: ' ' }
    const body = customerBody(form)
    expect(body.phones).toEqual(['11987654321', '(11) 3333-4444'])
    expect(body.email).toBeNull()
    expect(body.address).toBeNull()
  })
  it('shows each bad phone at the phones field', () => {
    expect(customerErrors({ 'phones.1': ['Telefone inválido.'], name: 'Campo obrigatório.' })).toEqual({
      phones: ['Telefone inválido.'],
      name: ['Campo obrigatório.'],
    })
  })
})

describe('contract form', async () => {
  const { contractBody, contractForm, itemForm } = await import('../../src/office/records/contract-form.js')
  it('keeps the ids of the items edited in place and sends new ones without', () => {
    const form = contractForm({
      number: 'C-1',
      customer: { id: 7, name: 'Ana' },
      items: [{ id: 3, room: { id: 2, name: 'Cozinha' }, supplier_id: 9, quantity: '2.500', code: 'A1', invoice_date: '2026-10-01' }],
    })
    form.items.push({ ...itemForm(null), description: 'Porta', quantity: '1,5' })
    const body = contractBody(form)
    expect(body.customer_id).toBe(7)
    expect(body.delivery_address).toBeNull()
    expect(body.items[0]).toMatchObject({ id: 3, room_id: 2, supplier_id: 9, quantity: '2.5', code: 'A1', invoice_date: '2026-10-01', finish: null })
    expect(body.items[1].id).toBeUndefined()
    expect(body.items[1]).toMatchObject({ description: 'Porta', quantity: '1.5', room_id: null })
  })
})

describe('claims', async () => {
  const { answersBody, claimableByFactory, money, percent } = await import('../../src/office/claims/claims.js')
  it('offers only the factory-paid items with a factory and not under an open claim', () => {
    const occurrences = [
      {
        payer: 'factory',
        items: [
          { id: 'a', supplier_id: 1, supplier: 'Fábrica A' },
          { id: 'b', supplier_id: 2, supplier: 'Fábrica B' },
          { id: 'c', supplier_id: null },
          { id: 'd', supplier_id: 1, supplier: 'Fábrica A' },
        ],
      },
      { payer: 'store', items: [{ id: 'e', supplier_id: 1 }] },
    ]
    const groups = claimableByFactory(occurrences, [
      { occurrence_item_id: 'd', claim_status: 'sent' },
      { occurrence_item_id: 'b', claim_status: 'closed' },
    ])
    expect(groups.map((g) => [g.supplier_id, g.items.map((i) => i.id)])).toEqual([
      [1, ['a']],
      [2, ['b']],
    ])
  })
  it('sends a partial acceptance and a refusal as the API wants them', () => {
    const body = answersBody([
      { id: 1, accepted: 'yes', accepted_quantity: '', accepted_amount: '1.234,50', refusal_reason: '' },
      { id: 2, accepted: 'no', accepted_quantity: '1', accepted_amount: '', refusal_reason: ' Mau uso ' },
    ])
    expect(body.items).toEqual([
      { id: 1, accepted: true, accepted_amount: '1234.50' },
      { id: 2, accepted: false, refusal_reason: 'Mau uso' },
    ])
  })
  it('shows money and rates in pt-BR', () => {
    expect(money('1234.56').replace(/\s/g, ' ')).toBe('R$ 1.234,56')
    expect(percent('0.625')).toBe('62,5%')
    expect(percent(null)).toBe('—')
  })
})
