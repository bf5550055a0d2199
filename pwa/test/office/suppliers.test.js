import { describe, expect, it } from 'vitest'
import { officeItem } from '../../src/office/case/occurrences.js'
import { supplierBody, supplierErrors, supplierForm } from '../../src/office/suppliers/suppliers.js'

describe('suppliers', () => {
  it('sends the typed e-mails as lists and blanks as null', () => {
    const form = { ...supplierForm(null), name: ' Fábrica Sul ', order_emails: 'a@x.com, b@x.com;c@x.com', cnpj: ' ', phone: '' }
    expect(supplierBody(form)).toMatchObject({
      kind: 'factory',
      name: 'Fábrica Sul',
      cnpj: null,
      phone: null,
      order_emails: ['a@x.com', 'b@x.com', 'c@x.com'],
      claim_emails: [],
    })
  })

  it('fills the form from a supplier, an unclassified one without kind', () => {
    const form = supplierForm({ kind: null, name: 'Alpha', cnpj: null, order_emails: ['p@a.com', 'q@a.com'], claim_emails: [], active: false })
    expect(form).toMatchObject({ kind: '', name: 'Alpha', cnpj: '', order_emails: 'p@a.com, q@a.com', active: false })
  })

  it('shows each bad e-mail’s message at the one field', () => {
    expect(supplierErrors({ 'order_emails.1': ['E-mail inválido.'], 'order_emails.3': ['E-mail inválido.'], cnpj: ['CNPJ inválido.'] })).toEqual({
      order_emails: ['E-mail inválido.', 'E-mail inválido.'],
      cnpj: ['CNPJ inválido.'],
    })
  })

  it('names an item’s supplier by id, and a part only when the action needs one', () => {
    const base = { id: 'i', description: 'Porta', code: '', quantity: '1', unit: 'un', unit_cost: '', supplier: '' }
    expect(officeItem({ ...base, action: 'replace', supplier_id: '7', needs_part: true })).toMatchObject({ supplier_id: 7, supplier: null, needs_part: false })
    expect(officeItem({ ...base, action: 'adjust', supplier_id: '', needs_part: false })).toMatchObject({ supplier_id: null, needs_part: false })
    expect(officeItem({ ...base, action: 'repair', supplier_id: '7', needs_part: true })).toMatchObject({ needs_part: true })
  })
})
