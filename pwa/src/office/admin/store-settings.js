// Loja: Brazil's time zones (IANA) with the places people know them by, and what the form sends.
import { formatPhone } from '../../lib/format.js'
import { addressForApi, addressForForm } from '../fields.jsx'
import { formatDocument } from '../format.js'

export const BRAZIL_TIMEZONES = [
  ['America/Noronha', 'Fernando de Noronha (UTC−2)'],
  ['America/Sao_Paulo', 'Brasília: SP, RJ, MG, ES, PR, SC, RS, GO, DF (UTC−3)'],
  ['America/Bahia', 'Bahia (UTC−3)'],
  ['America/Fortaleza', 'CE, RN, PB, PI, MA (UTC−3)'],
  ['America/Recife', 'Pernambuco (UTC−3)'],
  ['America/Maceio', 'Alagoas e Sergipe (UTC−3)'],
  ['America/Araguaina', 'Tocantins (UTC−3)'],
  ['America/Belem', 'Pará, leste e Amapá (UTC−3)'],
  ['America/Santarem', 'Pará, oeste (UTC−3)'],
  ['America/Campo_Grande', 'Mato Grosso do Sul (UTC−4)'],
  ['America/Cuiaba', 'Mato Grosso (UTC−4)'],
  ['America/Porto_Velho', 'Rondônia (UTC−4)'],
  ['America/Boa_Vista', 'Roraima (UTC−4)'],
  ['America/Manaus', 'Amazonas, leste (UTC−4)'],
  ['America/Eirunepe', 'Amazonas, oeste (UTC−5)'],
  ['America/Rio_Branco', 'Acre (UTC−5)'],
]

/** The select's options; a zone set outside this list (through the API) stays selectable. */
export function timezoneOptions(current) {
  if (!current || BRAZIL_TIMEZONES.some(([zone]) => zone === current)) return BRAZIL_TIMEZONES
  return [[current, current], ...BRAZIL_TIMEZONES]
}

export function storeForm(store) {
  return {
    name: store.name || '',
    cnpj: store.cnpj ? formatDocument(store.cnpj) : '',
    phone: store.phone ? formatPhone(store.phone) : '',
    email: store.email || '',
    timezone: store.timezone || 'America/Sao_Paulo',
    repair_deadline_days: String(store.repair_deadline_days ?? 30),
    address: addressForForm(store.address),
  }
}

/** PATCH /api/stores/<id> body (the logo goes on its own, when it is uploaded). */
export function storeBody(form) {
  const days = form.repair_deadline_days.trim()
  return {
    name: form.name.trim(),
    cnpj: form.cnpj.trim() || null,
    phone: form.phone.trim() || null,
    email: form.email.trim() || null,
    timezone: form.timezone,
    // A number when it reads as one; else as typed, so the API's message explains it.
    repair_deadline_days: /^\d+$/.test(days) ? Number(days) : days,
    address: addressForApi(form.address),
  }
}
