// What to tell the user about a failed request, in both apps: the server's pt-BR words when it
// answered (problem+json `detail`, and `errors` by field path for a 422), ours when it did not.
import { ApiError, NetworkError } from './api.js'

export const NO_CONNECTION = 'Sem conexão com o servidor. Tente de novo quando houver conexão.'
const UNKNOWN = 'Algo deu errado. Tente de novo.'

/**
 * The problem as a message, the field messages by path, and the status (0: no answer, -1: not a request's error).
 * @param {unknown} error
 * @returns {{ message: string, fields: Record<string, string | string[]>, status: number }}
 */
export function problemOf(error) {
  if (error instanceof ApiError) return { message: error.message, fields: error.problem?.errors || {}, status: error.status }
  if (error instanceof NetworkError) return { message: NO_CONNECTION, fields: {}, status: 0 }
  return { message: UNKNOWN, fields: {}, status: -1 }
}

/**
 * Every message, the problem's first, then the fields' (a screen with no field to show them at).
 * @param {unknown} error
 * @returns {string[]}
 */
export function problemLines(error) {
  const { message, fields } = problemOf(error)
  const more = Object.values(fields).flat()
  return [message, ...more.filter((line) => line !== message)]
}

/**
 * The messages for one field path, joined ('' when none).
 * @param {Record<string, string | string[]> | undefined} fields
 * @param {string} path
 */
export function fieldMessage(fields, path) {
  const messages = fields?.[path]
  return Array.isArray(messages) ? messages.join(' ') : messages ? String(messages) : ''
}

/**
 * Messages whose path no field on the screen shows, as "path: message" lines, so none is hidden.
 * @param {Record<string, string | string[]> | undefined} fields
 * @param {Iterable<string>} shownPaths
 */
export function unclaimedMessages(fields, shownPaths) {
  const shown = new Set(shownPaths)
  return Object.entries(fields || {})
    .filter(([path]) => !shown.has(path))
    .map(([path, messages]) => `${path}: ${[].concat(messages).join(' ')}`)
}
