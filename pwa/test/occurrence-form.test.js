// The occurrence form's conversions and checks, and pt-BR formatting in the store's timezone.
import { describe, expect, it } from 'vitest'
import { contractItemOptions, correction, EMPTY, fromArgs, linkContractItem, newItem, toArgs, validate } from '../src/data/occurrence-form.js'
import { dayKey, dayTitle, decimalForApi, formatDate, formatMoney, formatPhone, formatTime } from '../src/lib/format.js'

const filled = {
  ...EMPTY,
  occurrence_type_id: '3',
  payer: 'factory',
  resolved: 'no',
  unresolved_reason: ' Aguardando peça ',
  report: '  ',
  items: [{ id: 'i1', description: ' Dobradiça ', code: '', quantity: '2,5', unit: 'un', action: 'replace', supplier: '', unit_cost: '1.234,50' }],
  photo_ids: ['p1'],
}

describe('occurrence form', () => {
  it('builds the mutation arguments the server expects', () => {
    const args = toArgs(filled, { id: 'o1', case_id: 9, appointment_id: 4 })
    expect(args).toMatchObject({
      id: 'o1',
      case_id: 9,
      appointment_id: 4,
      occurrence_type_id: 3,
      payer: 'factory',
      room_id: null,
      report: null,
      resolved: false,
      unresolved_reason: 'Aguardando peça',
      attachment_ids: ['p1'],
    })
    expect(args.items).toEqual([
      { id: 'i1', description: 'Dobradiça', code: null, quantity: '2.5', unit: 'un', action: 'replace', supplier: null, unit_cost: '1234.50' },
    ])
    expect('expected_fix_date' in args).toBe(false) // blank: the server uses the case's deadline
  })

  it('round-trips through a stored mutation (correcting in Pendências)', () => {
    const args = toArgs({ ...filled, expected_fix_date: '2026-12-10' }, { id: 'o1' })
    const form = fromArgs(args, ['p1'])
    expect(form.occurrence_type_id).toBe('3')
    expect(form.resolved).toBe('no')
    expect(form.expected_fix_date).toBe('2026-12-10')
    expect(form.items[0].quantity).toBe('2,5')
    expect(toArgs(form, { id: 'o1' })).toEqual(args)
  })

  it('explains in pt-BR what is missing', () => {
    const errors = validate(
      { ...EMPTY, resolved: 'no', items: [{ description: '', quantity: '0' }], signature: 'data:', signer_name: '' },
      { withSignature: true },
    )
    expect(errors).toEqual({
      occurrence_type_id: 'Escolha o tipo da ocorrência.',
      payer: 'Escolha quem paga (modalidade).',
      unresolved_reason: 'Explique por que não foi resolvido.',
      'items.0.description': 'Descreva o item.',
      'items.0.quantity': 'A quantidade deve ser maior que zero.',
      signer_name: 'Informe o nome de quem assinou.',
    })
    expect(validate(filled, { withSignature: true })).toEqual({})
  })
})

describe('pt-BR formatting', () => {
  const lateEvening = '2026-11-28T23:30:00-03:00' // already the 29th in UTC
  it('shows dates and times in the store timezone, dd/mm/aaaa', () => {
    expect(formatDate(lateEvening, 'America/Sao_Paulo')).toBe('28/11/2026')
    expect(formatTime(lateEvening, 'America/Sao_Paulo')).toBe('23:30')
    expect(formatTime(lateEvening, 'America/Manaus')).toBe('22:30')
    expect(dayKey(lateEvening, 'America/Sao_Paulo')).toBe('2026-11-28')
    expect(formatDate('2026-12-10')).toBe('10/12/2026') // a calendar day stays that day
  })
  it('names today and tomorrow', () => {
    const now = new Date('2026-11-28T15:00:00Z')
    expect(dayTitle('2026-11-28', 'America/Sao_Paulo', now)).toBe('Hoje, 28/11/2026')
    expect(dayTitle('2026-11-29', 'America/Sao_Paulo', now)).toBe('Amanhã, 29/11/2026')
    expect(dayTitle('2026-11-30', 'America/Sao_Paulo', now)).toBe('Segunda-feira, 30/11/2026')
  })
  it('money, phones and decimals typed on a Brazilian keyboard', () => {
    expect(formatMoney('1234.5').replace(/\s/g, ' ')).toBe('R$ 1.234,50')
    expect(formatPhone('11991002927')).toBe('(11) 99100-2927')
    expect(decimalForApi('2,5')).toBe('2.5')
    expect(decimalForApi('')).toBe(null)
  })
})

describe('an occurrence the office filed undecided', () => {
  it('opens on the phone with "Resolvido?" unanswered, not as "não"', async () => {
    const { fromOccurrence } = await import('../src/data/occurrence-form.js')
    expect(fromOccurrence({ resolved: null, payer: 'store' }, []).resolved).toBe('')
    expect(fromOccurrence({ resolved: false, payer: 'store' }, []).resolved).toBe('no')
    expect(fromOccurrence({ resolved: true, payer: 'store' }, []).resolved).toBe('yes')
  })
})

describe('an item linked to a contract item', () => {
  const contract = {
    id: 9,
    items: [
      { id: 41, room: { id: 5, name: 'Quarto' }, code: 'RP-204', description: 'Roupeiro 4 portas', supplier: { id: 2, name: 'Móveis Sul' } },
      { id: 42, room: null, code: null, description: 'Painel TV', supplier: null },
    ],
  }

  it('offers room · code · description', () => {
    expect(contractItemOptions(contract)).toEqual([
      ['41', 'Quarto · RP-204 · Roupeiro 4 portas'],
      ['42', 'Painel TV'],
    ])
    expect(contractItemOptions(null)).toEqual([])
  })

  it('takes the code, description and factory when picked; "—" clears the link only', () => {
    const item = { ...newItem(), supplier: 'Outra' }
    const linked = linkContractItem(item, contract, '41')
    expect(linked).toMatchObject({ contract_item_id: 41, code: 'RP-204', description: 'Roupeiro 4 portas', supplier: 'Móveis Sul' })
    const edited = { ...linked, description: 'Porta do roupeiro' }
    expect(toArgs({ ...filled, items: [edited] }, {}).items[0]).toMatchObject({ contract_item_id: 41, description: 'Porta do roupeiro', code: 'RP-204' })
    const cleared = linkContractItem(edited, contract, '')
    expect(cleared).toMatchObject({ contract_item_id: null, description: 'Porta do roupeiro' })
    expect('contract_item_id' in toArgs({ ...filled, items: [cleared] }, {}).items[0]).toBe(false)
  })

  it('needs no description of its own, and a correction sends a cleared link as null', () => {
    const linked = { ...newItem(), id: 'i1', contract_item_id: 42, description: ' ' }
    expect(validate({ ...filled, items: [linked] }, { withSignature: false })).toEqual({})
    const original = { ...filled, items: [{ ...linked, description: 'Painel TV' }] }
    const [[name, args]] = correction('o1', original, { ...original, items: [{ ...original.items[0], contract_item_id: null }] })
    expect(name).toBe('occurrence_item.upsert.v1')
    expect(args).toMatchObject({ id: 'i1', contract_item_id: null, base: { contract_item_id: 42 } })
  })
})
