// A document's e-mail as both apps send it: the recipients typed in one field, and the server's
// messages about them gathered back at that field.

/**
 * "a@x.com; b@y.com\nc@z.com, a@x.com" → the addresses, once each, in the order typed.
 * @param {string | null | undefined} text
 * @returns {string[]}
 */
export function parseRecipients(text) {
  return [
    ...new Set(
      String(text || '')
        .split(/[\s,;]+/)
        .filter(Boolean),
    ),
  ]
}

/**
 * The API names each refused address `recipients.0`, `recipients.1`…: one field shows them all.
 * @param {Record<string, string | string[]>} fields
 * @returns {Record<string, string | string[]>}
 */
export function recipientErrors(fields) {
  const messages = Object.entries(fields || {})
    .filter(([path]) => path === 'recipients' || path.startsWith('recipients.'))
    .flatMap(([, m]) => [].concat(m))
  return messages.length ? { ...fields, recipients: messages } : fields
}
