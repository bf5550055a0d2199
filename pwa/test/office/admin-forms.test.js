import { describe, expect, it } from 'vitest'
import { CATALOGS, catalogBySlug, sortEntries } from '../../src/office/admin/catalogs.js'
import { groupLayouts, layoutPatch } from '../../src/office/admin/layouts.js'
import { mailDate } from '../../src/office/admin/outbox.js'
import { BRAZIL_TIMEZONES, storeBody, storeForm, timezoneOptions } from '../../src/office/admin/store-settings.js'
import { newUserBody, userForm, userPatch } from '../../src/office/admin/users.js'

const ana = {
  id: 7,
  name: 'Ana Lima',
  email: 'ana@loja.com.br',
  role: 'technician',
  phone: '11988887777',
  active: true,
  stores: [{ id: 1, name: 'Loja Centro' }],
}

describe('user forms', () => {
  it('shows the phone as people write it', () => {
    expect(userForm(ana).phone).toBe('(11) 98888-7777')
  })

  it('an edit sends only what changed: a new phone is not sent with the unchanged role', () => {
    const form = { ...userForm(ana), phone: '(11) 97777-1234' }
    expect(userPatch(ana, form)).toEqual({ phone: '(11) 97777-1234' })
  })

  it('the same phone typed with punctuation, the e-mail in other case and the stores in other order are no change', () => {
    const user = { ...ana, stores: [{ id: 1 }, { id: 2 }] }
    const form = { ...userForm(user), phone: '(11) 98888-7777', email: ' ANA@loja.com.br ', store_ids: [2, 1] }
    expect(userPatch(user, form)).toEqual({})
  })

  it('sends the fields that changed, trimmed; a cleared phone as null; the stores as ids', () => {
    const form = { ...userForm(ana), name: ' Ana Lima Souza ', role: 'scheduler', phone: '', store_ids: [1, 2] }
    expect(userPatch(ana, form)).toEqual({ name: 'Ana Lima Souza', role: 'scheduler', phone: null, store_ids: [1, 2] })
  })

  it('a new user: blank form with the default stores, body with everything the API requires', () => {
    const form = userForm(null, [3])
    expect(form).toEqual({ name: '', email: '', role: 'technician', phone: '', password: '', store_ids: [3] })
    expect(newUserBody({ ...form, name: ' Rafael ', email: ' r@x.com ', password: 'segredo-123' })).toEqual({
      name: 'Rafael',
      email: 'r@x.com',
      role: 'technician',
      password: 'segredo-123',
      phone: null,
      store_ids: [3],
    })
  })
})

describe('catalogs', () => {
  it('covers every kind the API has, each with its own slug', () => {
    expect(CATALOGS.map((c) => c.kind).sort()).toEqual(['appointment_types', 'occurrence_statuses', 'occurrence_types', 'product_lines', 'rooms'])
    expect(new Set(CATALOGS.map((c) => c.slug)).size).toBe(CATALOGS.length)
    expect(catalogBySlug('ambientes').kind).toBe('rooms')
    expect(catalogBySlug('nao-existe')).toBeNull()
  })

  it('lists active entries in their order, then the retired ones', () => {
    const entries = [
      { id: 1, name: 'Cozinha', position: 2, active: true },
      { id: 2, name: 'Sala', position: 1, active: false },
      { id: 3, name: 'Quarto', position: 1, active: true },
    ]
    expect(sortEntries(entries).map((e) => e.name)).toEqual(['Quarto', 'Cozinha', 'Sala'])
  })
})

describe('store settings', () => {
  it('offers Brazil’s zones, and keeps a zone set elsewhere selectable', () => {
    expect(timezoneOptions('America/Sao_Paulo')).toBe(BRAZIL_TIMEZONES)
    expect(BRAZIL_TIMEZONES.map(([zone]) => zone)).toContain('America/Manaus')
    expect(timezoneOptions('America/Lima')[0]).toEqual(['America/Lima', 'America/Lima'])
  })

  it('round-trips the store: blanks as null, the deadline as a number, an empty address as null', () => {
    const store = { name: 'Loja Centro', cnpj: null, phone: '1133334444', email: null, timezone: 'America/Cuiaba', repair_deadline_days: 45, address: null }
    const form = storeForm(store)
    expect(form.repair_deadline_days).toBe('45')
    expect(form.phone).toBe('(11) 3333-4444')
    expect(storeBody(form)).toEqual({
      name: 'Loja Centro',
      cnpj: null,
      phone: '(11) 3333-4444',
      email: null,
      timezone: 'America/Cuiaba',
      repair_deadline_days: 45,
      address: null,
    })
  })

  it('sends a deadline that is not a number as typed, for the API to explain', () => {
    const form = { ...storeForm({ name: 'X', timezone: 'America/Sao_Paulo' }), repair_deadline_days: '' }
    expect(storeBody(form).repair_deadline_days).toBe('')
  })
})

describe('layouts', () => {
  it('groups by kind in the office’s order, the default first, every kind present', () => {
    const layouts = [
      { id: 3, kind: 'parts_order', name: 'B', is_default: false },
      { id: 1, kind: 'service_request', name: 'Z padrão', is_default: true },
      { id: 2, kind: 'service_request', name: 'A extra', is_default: false },
    ]
    const groups = groupLayouts(layouts)
    expect(groups.map(([kind]) => kind)).toEqual(['service_request', 'visit_report', 'parts_order', 'factory_claim'])
    expect(groups[0][2].map((l) => l.id)).toEqual([1, 2])
    expect(groups[1][2]).toEqual([])
  })

  it('saves only what was edited', () => {
    const saved = { name: 'Padrão', html: '<p>a</p>', css: '' }
    expect(layoutPatch(saved, { ...saved })).toEqual({})
    expect(layoutPatch(saved, { ...saved, html: '<p>b</p>', name: ' Novo ' })).toEqual({ name: 'Novo', html: '<p>b</p>' })
  })
})

describe('outbox', () => {
  it('shows the Date header in the store’s time zone', () => {
    expect(mailDate('Sat, 28 Nov 2026 23:10:00 +0000', 'America/Sao_Paulo')).toBe('28/11/2026 às 20:10')
    expect(mailDate('Sat, 28 Nov 2026 23:10:00 +0000', 'America/Rio_Branco')).toBe('28/11/2026 às 18:10')
  })

  it('leaves a date it cannot read as it came', () => {
    expect(mailDate('ontem', 'America/Sao_Paulo')).toBe('ontem')
    expect(mailDate('', 'America/Sao_Paulo')).toBe('')
  })
})
