import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/data/api.js'
import { caseChanges, editForm, needsForce, statusChoices, statusRequest } from '../../src/office/case/case-edit.js'
import { emailBody, initialChoice, pdfUrl, ready } from '../../src/office/case/documents.js'
import {
  costRows,
  emptyOccurrence,
  formErrors,
  mine,
  newItem,
  occurrenceBody,
  occurrenceEdits,
  occurrenceForForm,
  photosOf,
  resolution,
} from '../../src/office/case/occurrences.js'
import { cancellable, freeItems, notOrderable, ORDER_MOVES, orderGroups, sumMoney } from '../../src/office/case/orders.js'
import { conflictsOf, sortVisits, visitBody, visitErrors } from '../../src/office/case/visits.js'

const item = (fields) => ({ ...newItem(), ...fields })

describe('occurrence form', () => {
  it('keeps one client-made id per form, so a retried submit is the same record', () => {
    const form = emptyOccurrence()
    expect(form.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(occurrenceBody(form).id).toBe(form.id)
    expect(emptyOccurrence().id).not.toBe(form.id)
  })

  it('sends numbers, decimals typed the Brazilian way, and leaves out item rows never typed in', () => {
    const form = {
      ...emptyOccurrence(),
      occurrence_type_id: '4',
      payer: 'factory',
      room_id: '',
      resolved: 'no',
      unresolved_reason: '  Aguardando peça ',
      expected_fix_date: '2026-12-20',
      items: [
        item({ description: ' Corrediça ', quantity: '2,5', unit_cost: '1.234,90', supplier: 'Alpha' }),
        item({}),
        item({ description: 'Puxador', unit: '' }),
      ],
    }
    const body = occurrenceBody(form)
    expect(body).toMatchObject({
      occurrence_type_id: 4,
      payer: 'factory',
      room_id: null,
      resolved: false,
      unresolved_reason: 'Aguardando peça',
      expected_fix_date: '2026-12-20',
    })
    expect(body.items).toHaveLength(2)
    expect(body.items[0]).toMatchObject({ description: 'Corrediça', quantity: '2.5', unit_cost: '1234.90', supplier: 'Alpha', unit: 'un', action: 'replace' })
    expect(body.items[1]).toMatchObject({ description: 'Puxador', unit_cost: null, code: null })
  })

  it('drops the reason when resolved, and the fix date when blank (the server defaults it)', () => {
    const body = occurrenceBody({ ...emptyOccurrence(), resolved: 'yes', unresolved_reason: 'x' })
    expect(body.resolved).toBe(true)
    expect(body.unresolved_reason).toBeNull()
    expect('expected_fix_date' in body).toBe(false)
    expect(body.payer).toBeNull()
  })

  it("maps the API's item paths back to the form's rows when blank rows were left out", () => {
    const form = { ...emptyOccurrence(), items: [item({}), item({ description: 'A' }), item({}), item({ description: 'B' })] }
    const errors = formErrors(form, { 'items.1.quantity': ['> 0'], 'items.0.description': ['x'], payer: ['Campo obrigatório.'], items: ['demais'] })
    expect(errors).toEqual({ 'items.3.quantity': ['> 0'], 'items.1.description': ['x'], payer: ['Campo obrigatório.'], items: ['demais'] })
  })

  it('lists every payer in the cost summary, zero when absent', () => {
    const rows = costRows({ by_payer: { store: '10.00', factory: '305.30' }, total: '315.30' })
    expect(rows.map((r) => [r.payer, r.value])).toEqual([
      ['store', '10.00'],
      ['factory', '305.30'],
      ['customer', '0.00'],
      ['carrier', '0.00'],
    ])
    expect(costRows(null)).toEqual([])
  })

  it('shows photos apart from the signature', () => {
    const o = {
      attachments: [
        { id: 'p1', kind: 'photo' },
        { id: 's', kind: 'signature' },
        { id: 'p2', kind: 'photo' },
      ],
    }
    expect(photosOf(o).map((a) => a.id)).toEqual(['p1', 'p2'])
  })
})

describe("an item the phone linked to the contract's item", () => {
  it('keeps the link when the office edits it, and sends none for an unlinked item', () => {
    const stored = { id: 'o1', payer: 'factory', items: [{ id: 'i1', description: 'Aéreo', quantity: '1.000', action: 'replace', contract_item_id: 41 }] }
    const form = occurrenceForForm(stored)
    expect(occurrenceBody(form).items[0].contract_item_id).toBe(41)
    expect('contract_item_id' in occurrenceBody({ ...emptyOccurrence(), items: [item({ description: 'Regulagem' })] }).items[0]).toBe(false)
  })
})

describe('undecided occurrences and the responsible', () => {
  it('starts undecided: no reason is sent, and the responsible is a number or null', () => {
    const form = { ...emptyOccurrence(), unresolved_reason: 'typed before choosing', responsible_id: '7' }
    expect(form.resolved).toBe('')
    const body = occurrenceBody(form)
    expect(body.resolved).toBeNull()
    expect(body.unresolved_reason).toBeNull()
    expect(body.responsible_id).toBe(7)
    expect(occurrenceBody({ ...form, resolved: 'no' }).unresolved_reason).toBe('typed before choosing')
    expect(occurrenceBody({ ...form, responsible_id: '' }).responsible_id).toBeNull()
  })

  it('labels the three states and filters "Minhas"', () => {
    expect(resolution({ resolved: null })[0]).toBe('Em aberto')
    expect(resolution({ resolved: false })[0]).toBe('Não resolvida')
    expect(resolution({ resolved: true })[0]).toBe('Resolvida')
    const list = [
      { id: 'a', responsible: { id: 1 } },
      { id: 'b', responsible: null },
      { id: 'c', responsible: { id: 2 } },
    ]
    expect(mine(list, 1).map((o) => o.id)).toEqual(['a'])
  })
})

describe('editing an occurrence', () => {
  const stored = {
    id: 'o1',
    occurrence_type: { id: 3, name: 'Defeito' },
    payer: 'factory',
    room: null,
    product_line: null,
    status: null,
    supplier_order_number: null,
    expected_fix_date: '2027-01-03',
    report: 'Porta caída',
    resolved: false,
    unresolved_reason: 'Aguardando peça',
    items: [
      { id: 'a', description: 'Porta', code: null, quantity: '1.000', unit: 'un', action: 'replace', supplier: 'Beta', unit_cost: '80.00', order_id: 7 },
      { id: 'b', description: 'Dobradiça', code: null, quantity: '2.000', unit: 'un', action: 'replace', supplier: 'Beta', unit_cost: '12.50', order_id: null },
      { id: 'c', description: 'Parafuso', code: null, quantity: '1.500', unit: 'un', action: 'adjust', supplier: null, unit_cost: null, order_id: null },
    ],
  }

  it('reads the stored occurrence into the form, decimals with a comma', () => {
    const form = occurrenceForForm(stored)
    expect(form.occurrence_type_id).toBe('3')
    expect(form.resolved).toBe('no')
    expect(form.items.map((i) => [i.quantity, i.unit_cost, i.order_id])).toEqual([
      ['1', '80', 7],
      ['2', '12,5', null],
      ['1,5', '', null],
    ])
  })

  it('sends nothing for untouched items and never touches an ordered one', () => {
    const { patch, steps } = occurrenceEdits(stored, occurrenceForForm(stored))
    expect(steps).toEqual([])
    expect(patch).not.toHaveProperty('items')
    expect(patch).not.toHaveProperty('id')
    expect(patch.unresolved_reason).toBe('Aguardando peça')
  })

  it('patches a changed item, posts a new one and deletes a removed one', () => {
    const form = occurrenceForForm(stored)
    form.items[1] = { ...form.items[1], quantity: '4' }
    form.items = form.items.filter((i) => i.id !== 'c')
    form.items.push({ ...newItem(), id: 'd', description: 'Puxador' })
    form.items.push(newItem()) // an empty row is not sent
    const { steps } = occurrenceEdits(stored, form)
    expect(steps.map((s) => [s.method, s.path, s.row])).toEqual([
      ['patch', '/api/occurrences/o1/items/b', 1],
      ['post', '/api/occurrences/o1/items', 2],
      ['del', '/api/occurrences/o1/items/c', undefined],
    ])
    expect(steps[0].body.quantity).toBe('4')
    expect(steps[1].body.id).toBe('d')
  })
})

describe('orders', () => {
  const occurrences = [
    {
      payer: 'factory',
      payer_label: 'Paga pela Fábrica',
      items: [
        { id: 'a', supplier: 'Alpha', supplier_id: 1, is_part: true, order_id: null },
        { id: 'b', supplier: 'Alpha', supplier_id: 1, is_part: true, order_id: null },
        { id: 'c', supplier: 'Alpha', supplier_id: 1, is_part: true, order_id: 7 },
      ],
    },
    {
      payer: 'store',
      items: [
        { id: 'd', supplier: 'Alpha', supplier_id: 1, is_part: true, order_id: null },
        { id: 'e', supplier: null, supplier_id: null, is_part: true, order_id: null },
        { id: 'f', supplier: 'Alpha', supplier_id: 1, is_part: false, order_id: null },
      ],
    },
  ]

  it('offers only the items not on an order, with their occurrence’s payer', () => {
    const free = freeItems(occurrences)
    expect(free.map((i) => [i.id, i.payer])).toEqual([
      ['a', 'factory'],
      ['b', 'factory'],
      ['d', 'store'],
      ['e', 'store'],
      ['f', 'store'],
    ])
    expect(free[2].payer_label).toBe('Paga pela Loja')
  })

  it('groups the orderable items one order per supplier and payer, as the server does', () => {
    const orderable = freeItems(occurrences).filter((i) => !notOrderable(i))
    const groups = orderGroups(orderable)
    expect(groups.map((g) => [g.supplier, g.payer, g.items.map((i) => i.id)])).toEqual([
      ['Alpha', 'factory', ['a', 'b']],
      ['Alpha', 'store', ['d']],
    ])
  })

  it('never orders labour nor an item without supplier', () => {
    const [, , , e, f] = freeItems(occurrences)
    expect(notOrderable(e)).toBe('Defina o fornecedor')
    expect(notOrderable(f)).toBe('Mão de obra: não entra em pedido')
    expect(notOrderable({ action: 'adjust', supplier_id: null })).toBe('Mão de obra: não entra em pedido')
  })

  it('moves draft → sent → received, and cancels only open orders', () => {
    expect(ORDER_MOVES.draft.map(([s]) => s)).toEqual(['sent'])
    expect(ORDER_MOVES.sent.map(([s]) => s)).toEqual(['received'])
    expect(ORDER_MOVES.received).toEqual([])
    expect(['draft', 'sent', 'received', 'cancelled'].map((status) => cancellable({ status }))).toEqual([true, true, false, false])
  })

  it('adds money exactly, in cents', () => {
    expect(sumMoney(['0.10', '0.20'])).toBe('0.30')
    expect(sumMoney(['305.30', '37.05', null, ''])).toBe('342.35')
    expect(sumMoney(['1.5', '2'])).toBe('3.50')
    expect(sumMoney([])).toBe('0.00')
  })
})

describe('visits', () => {
  const form = {
    calendar_type: 'technical_assistance',
    status: 'confirmed',
    assignee_id: '3',
    appointment_type_id: '8',
    room_id: '',
    starts: '2026-12-01T22:00',
    ends: '2026-12-02T01:00',
    subject: ' ',
    notes: 'Levar trilho',
  }

  it('sends the store-clock date-times without an offset (the API reads them in the store’s timezone)', () => {
    expect(visitBody(form)).toEqual({
      calendar_type: 'technical_assistance',
      status: 'confirmed',
      assignee_id: 3,
      appointment_type_id: 8,
      starts_at: '2026-12-01T22:00:00',
      ends_at: '2026-12-02T01:00:00',
      room_id: null,
      subject: null,
      notes: 'Levar trilho',
    })
    expect(visitBody(form, true).allow_overlap).toBe(true)
    expect('allow_overlap' in visitBody(form)).toBe(false)
  })

  it('checks the form before sending: a visit may cross midnight, never end before it starts', () => {
    expect(visitErrors(form)).toEqual({})
    expect(Object.keys(visitErrors({ ...form, assignee_id: '', ends: '2026-12-01T21:00' }))).toEqual(['assignee_id', 'ends_at'])
    expect(visitErrors({ ...form, starts: '' }).starts_at).toBeTruthy()
  })

  it("reads the clash from a 409's problem, and nothing from other errors", () => {
    const clash = [{ id: 5, case_number: 'AT-2026-00001', starts_at: '2026-12-01T09:00:00-03:00' }]
    expect(conflictsOf(new ApiError(409, { detail: 'já tem compromisso', conflicts: clash }))).toEqual(clash)
    expect(conflictsOf(new ApiError(409, { detail: 'outra coisa' }))).toEqual([])
    expect(conflictsOf(new ApiError(422, { conflicts: clash }))).toEqual([])
  })

  it('lists visits by start, cancelled ones last', () => {
    const visits = [
      { id: 1, status: 'cancelled', starts_at: '2026-11-01T09:00:00-03:00' },
      { id: 2, status: 'scheduled', starts_at: '2026-12-02T09:00:00-03:00' },
      { id: 3, status: 'done', starts_at: '2026-11-20T09:00:00-03:00' },
    ]
    expect(sortVisits(visits).map((v) => v.id)).toEqual([3, 2, 1])
  })
})

describe('documents', () => {
  const serviceRequest = {
    kind: 'service_request',
    needs: null,
    targets: [],
    layouts: [
      { id: 4, is_default: false },
      { id: 9, is_default: true },
    ],
  }
  const visitReport = { kind: 'visit_report', needs: 'appointment_id', targets: [{ id: 31 }, { id: 30 }], layouts: [{ id: 5, is_default: true }] }

  it('starts with the default layout and the first visit or order', () => {
    expect(initialChoice(serviceRequest)).toEqual({ layout: '9', target: '' })
    expect(initialChoice(visitReport)).toEqual({ layout: '5', target: '31' })
    expect(initialChoice({ ...visitReport, targets: [] }).target).toBe('')
  })

  it('builds the PDF link with the layout and, when the kind needs one, the visit or order', () => {
    expect(pdfUrl(12, serviceRequest, { layout: '9', target: '' })).toBe('/api/cases/12/documents/service_request.pdf?layout=9')
    expect(pdfUrl(12, visitReport, { layout: '5', target: '31' })).toBe('/api/cases/12/documents/visit_report.pdf?layout=5&appointment_id=31')
    expect(ready(visitReport, { layout: '5', target: '' })).toBe(false)
    expect(ready(serviceRequest, { layout: '9', target: '' })).toBe(true)
  })

  it('sends the e-mail with the same layout and target as the PDF', () => {
    expect(emailBody(visitReport, { layout: '5', target: '30' }, { recipients: ['a@x.com'], subject: 'Relatório', message: 'Olá' })).toEqual({
      recipients: ['a@x.com'],
      subject: 'Relatório',
      message: 'Olá',
      layout: 5,
      appointment_id: 30,
    })
  })
})

describe('editing the case (Dados)', () => {
  const kase = {
    id: 7,
    status: 'in_service',
    reported_issue: 'Porta raspando',
    assignee: { id: 3, name: 'Técnico' },
    assignee_chosen: true,
    service_address: { cep: '04094050', street: 'Av. Pedro', number: '1301', complement: null, district: 'Vila Mariana', city: 'São Paulo', state: 'SP' },
  }

  it('patches only what changed', () => {
    const form = editForm(kase)
    expect(caseChanges(kase, form)).toEqual({})
    expect(caseChanges(kase, { ...form, reported_issue: ' Porta raspando no piso ' })).toEqual({ reported_issue: 'Porta raspando no piso' })
    expect(caseChanges(kase, { ...form, assignee_id: '' })).toEqual({ assignee_id: null })
    expect(caseChanges(kase, { ...form, access_notes: ' Vaga 12 ' })).toEqual({ access_notes: 'Vaga 12' })
    expect(caseChanges({ ...kase, access_notes: 'Vaga 12' }, { ...form, access_notes: ' ' })).toEqual({ access_notes: null })
    // The visits' technician (not chosen) starts as '' in the form: saving leaves it following them.
    const following = { ...kase, assignee_chosen: false }
    expect(editForm(following).assignee_id).toBe('')
    expect(caseChanges(following, { ...editForm(following), assignee_id: '3' })).toEqual({ assignee_id: 3 })
    const moved = caseChanges(kase, { ...form, service_address: { ...form.service_address, district: 'Moema' } })
    expect(Object.keys(moved)).toEqual(['service_address'])
    expect(moved.service_address).toMatchObject({ district: 'Moema', complement: null, cep: '04094050' })
  })

  it('offers the moves the server allows', () => {
    expect(statusChoices('in_service').map(([v]) => v)).toEqual(['scheduled', 'pending', 'closed', 'cancelled'])
    expect(statusChoices('closed').map(([v]) => v)).toEqual(['pending'])
    expect(statusChoices('cancelled')).toEqual([['open', 'Aberta']])
  })

  it('cancels through its own endpoint, other moves by PATCH with a reason (and force to close over open orders)', () => {
    expect(statusRequest(7, 'cancelled', ' Cliente desistiu ')).toEqual({ method: 'post', path: '/api/cases/7/cancel', body: { reason: 'Cliente desistiu' } })
    expect(statusRequest(7, 'closed', 'ok', true)).toEqual({
      method: 'patch',
      path: '/api/cases/7',
      body: { status: 'closed', status_reason: 'ok', force: true },
    })
    expect(needsForce(new ApiError(409, { type: 'https://assistec.com.br/problems/open-orders' }))).toBe(true)
    expect(needsForce(new ApiError(409, { type: 'https://assistec.com.br/problems/invalid-transition' }))).toBe(false)
  })
})

describe('queued e-mails', () => {
  it('refresh while any is queued, stop once each is sent or failed', async () => {
    const { stillQueued } = await import('../../src/office/case/documents.js')
    expect(stillQueued([{ status: 'sent' }, { status: 'queued' }])).toBe(true)
    expect(stillQueued([{ status: 'sent' }, { status: 'failed' }])).toBe(false)
    expect(stillQueued([])).toBe(false)
  })
})
