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
