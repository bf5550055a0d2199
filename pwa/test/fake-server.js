// A small in-memory stand-in for the Flask sync endpoints, close enough to the real protocol
// (per-client last_mutation_id, duplicates skipped, rejections delivered once, version cursor)
// to test the engine's rules without a network. `script` lets a test fail chosen requests.

export function createFakeServer() {
  const server = {
    version: 1,
    rows: {}, // table -> Map(id -> {row, version, deleted})
    last: 0,
    applied: [], // mutation ids actually applied, to assert exactly-once
    uploads: new Map(),
    pendingRejections: [],
    calls: [],
    script: [], // [{match: (path) => bool, respond: () => Response | throw}] used once each
    rejectWhen: () => null, // (mutation) => message | null
    inFlight: 0,
    maxInFlight: 0,
  }

  server.put = (table, row) => {
    server.version += 1
    if (!server.rows[table]) server.rows[table] = new Map()
    server.rows[table].set(row.id, { row, version: server.version, deleted: false })
  }
  server.remove = (table, id) => {
    server.version += 1
    server.rows[table].get(id).deleted = true
    server.rows[table].get(id).version = server.version
  }

  const HANDLERS = {
    'appointment.check_in.v1': (args) => {
      const row = server.rows.appointments.get(args.appointment_id).row
      server.put('appointments', { ...row, status: 'in_progress', checked_in_at: args.at })
    },
    'appointment.check_out.v1': (args) => {
      const row = server.rows.appointments.get(args.appointment_id).row
      server.put('appointments', { ...row, status: 'done', checked_out_at: args.at })
    },
    'appointment.notes.v1': (args) => {
      const row = server.rows.appointments.get(args.appointment_id).row
      server.put('appointments', { ...row, notes: args.notes })
    },
    'occurrence.create.v1': (args) => {
      const { items = [], attachment_ids = [], ...fields } = args
      for (const id of attachment_ids) if (!server.uploads.has(id)) throw new Error('Anexo não encontrado')
      server.put('occurrences', fields)
      for (const item of items) server.put('occurrence_items', { ...item, occurrence_id: args.id })
    },
    'attachment.link.v1': (args) => {
      if (!server.uploads.has(args.attachment_id)) throw new Error('Anexo não encontrado')
      server.put('attachments', { id: args.attachment_id, ...args })
    },
  }

  function json(status, body, headers = {}) {
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } })
  }

  function push(body) {
    const results = []
    for (const m of body.mutations) {
      if (m.id <= server.last) {
        results.push({ id: m.id, status: 'duplicate' })
        continue
      }
      if (m.id > server.last + 1) return json(200, { last_mutation_id: server.last, results, stopped_at_gap: { expected: server.last + 1, got: m.id } })
      let message = server.rejectWhen(m)
      if (!message) {
        try {
          HANDLERS[m.name](m.args)
        } catch (error) {
          message = error.message
        }
      }
      server.last = m.id
      // rejectWhen may answer {message, retryable} as the real server's rejections do.
      const extra = message && typeof message === 'object' ? { retryable: message.retryable } : {}
      if (message && typeof message === 'object') message = message.message
      if (message) {
        server.pendingRejections.push({ mutation_id: m.id, name: m.name, args: m.args, code: 'validation', message, errors: null, ...extra })
        results.push({ id: m.id, status: 'rejected', code: 'validation', message })
      } else {
        server.applied.push(m.id)
        results.push({ id: m.id, status: 'applied' })
      }
    }
    return json(200, { last_mutation_id: server.last, results, stopped_at_gap: null })
  }

  function pull(body) {
    const since = body.cursor ? Number(body.cursor) : null
    const changes = {}
    for (const [table, rows] of Object.entries(server.rows)) {
      const upsert = []
      const del = []
      for (const { row, version, deleted } of rows.values()) {
        if (since !== null && version <= since) continue
        if (deleted) since !== null && del.push(row.id)
        else upsert.push(row)
      }
      if (upsert.length || del.length) changes[table] = { upsert, delete: del }
    }
    const rejections = server.pendingRejections
    server.pendingRejections = []
    return json(200, { cursor: String(server.version), last_mutation_id: server.last, reset: since === null, more: false, changes, rejections })
  }

  function handle(path, init) {
    if (path.startsWith('/api/attachments/')) {
      const id = path.split('/')[3].split('?')[0]
      server.uploads.set(id, init.headers['X-Content-SHA256'])
      return json(201, { id })
    }
    if (path === '/api/auth/me') return json(200, { csrf_token: 'fresh' })
    const body = JSON.parse(init.body)
    if (path === '/api/sync/push') return push(body)
    if (path === '/api/sync/pull') return pull(body)
    return json(404, { title: 'Não encontrado' })
  }

  server.fetch = async (path, init = {}) => {
    server.calls.push(`${init.method || 'GET'} ${path.split('?')[0]}`)
    server.inFlight += 1
    server.maxInFlight = Math.max(server.maxInFlight, server.inFlight)
    try {
      await new Promise((resolve) => setTimeout(resolve, 1))
      const scripted = server.script.findIndex((s) => s.match(path, init))
      if (scripted >= 0) {
        const [step] = server.script.splice(scripted, 1)
        if (!step.dropAfter) return step.respond(path, init)
        handle(path, init) // applied, but the answer never reaches the phone
        throw new TypeError('Failed to fetch')
      }
      return handle(path, init)
    } finally {
      server.inFlight -= 1
    }
  }

  return server
}

export const problem = (status, detail, headers = {}) =>
  new Response(JSON.stringify({ status, detail }), { status, headers: { 'Content-Type': 'application/problem+json', ...headers } })
