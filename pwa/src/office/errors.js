// The API's validation problems (422, problem+json `errors`: {"customer.address.cep": [...]})
// shown at the fields that caused them; whatever no field claims is listed at the top, so no
// message is ever hidden.
import { ApiError, NetworkError } from '../data/api.js'

export function problemOf(error) {
  if (error instanceof ApiError) {
    return { message: error.message, fields: error.problem?.errors || {}, status: error.status }
  }
  if (error instanceof NetworkError) return { message: 'Sem conexão com o servidor. Tente de novo.', fields: {}, status: 0 }
  return { message: 'Algo deu errado. Tente de novo.', fields: {}, status: -1 }
}

/** The messages for one field path, joined ('' when none). */
export function fieldMessage(fields, path) {
  const messages = fields?.[path]
  return Array.isArray(messages) ? messages.join(' ') : messages ? String(messages) : ''
}

/** Messages whose path no field on the screen shows, as "path: message" lines. */
export function unclaimedMessages(fields, shownPaths) {
  const shown = new Set(shownPaths)
  return Object.entries(fields || {})
    .filter(([path]) => !shown.has(path))
    .map(([path, messages]) => `${path}: ${[].concat(messages).join(' ')}`)
}
