// The component tests' phone: the app's own database (data/session.js) on fake-indexeddb, emptied
// before each test and seeded with what the screen reads; no server (every request fails as
// offline), so what a screen shows comes from the replica and the outbox alone.
import { cleanup } from '@testing-library/preact'
import { afterEach, beforeEach, vi } from 'vitest'
import { setMeta } from '../../src/data/db.js'
import { db } from '../../src/data/session.js'

export const TZ = 'America/Sao_Paulo'

/** An ISO time `days` from now at hh:mm in São Paulo (UTC−3, no daylight saving). */
export function localTime(days, hh, mm = 0) {
  const day = new Date(Date.now() + days * 86400000).toLocaleDateString('en-CA', { timeZone: TZ })
  return `${day}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00-03:00`
}

export const CASE = {
  id: 3,
  number: 'AT-2026-00003',
  reported_issue: 'Porta do roupeiro desalinhada.',
  access_notes: 'Portaria: avisar o síndico.',
  customer: { id: 21, name: 'Maria Souza', phones: ['11987654321'] },
  service_address: { street: 'Rua das Flores', number: '10', district: 'Centro', city: 'Campinas', state: 'SP', cep: '13010000' },
}

export const visit = (over = {}) => ({
  id: 7,
  case_id: 3,
  store_id: 1,
  calendar_type: 'technical_assistance',
  status: 'scheduled',
  status_label: 'Agendado',
  starts_at: localTime(0, 14),
  ends_at: localTime(0, 15),
  appointment_type: { id: 1, name: 'Assistência' },
  ...over,
})

export function withReplica() {
  beforeEach(async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('offline'))),
    )
    vi.stubGlobal('scrollTo', () => {})
    await db.open()
    await Promise.all(db.tables.map((t) => t.clear()))
    await setMeta(db, 'last_sync_at', '2026-11-28T08:00:00Z') // a first sync has ended
  })
  afterEach(() => {
    cleanup()
    vi.unstubAllGlobals()
  })
  return db
}
