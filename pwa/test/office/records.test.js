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
