// The visit report button: when it is offered, what it sends, and what it tells the technician.
import { describe, expect, it } from 'vitest'
import { ApiError, createApi, NetworkError } from '../src/data/api.js'
import { emailReport, reportBlocker, reportEmailDefaults, reportPdfUrl } from '../src/data/documents.js'
import { parseRecipients, recipientErrors } from '../src/data/email.js'
import { problemLines } from '../src/data/problem.js'

const DONE = { id: 7, case_id: 3, status: 'done', checked_out_at: '2026-11-28T10:00:00-03:00' }

function fakeApi(answer) {
  const requests = []
  const fetch = async (path, init) => {
    requests.push({ method: init.method, path, body: init.body && JSON.parse(init.body) })
    const [status, body] = answer(path, init)
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
  }
  return { requests, api: createApi({ fetch, csrf: { get: async () => 't', set: async () => {} } }) }
}

describe('reportBlocker', () => {
  it('offers the report only for a checked-out visit the server has, with nothing of it unsent, online', () => {
    expect(reportBlocker({ ...DONE, status: 'in_progress' }, [], true)).toBe('not-done')
    expect(reportBlocker({ ...DONE, _dirty: 1 }, [], true)).toBe('unsent')
    expect(reportBlocker(DONE, [{ id: 'o1', appointment_id: 7, _local: 1, _dirty: 1 }], true)).toBe('unsent')
    expect(reportBlocker(DONE, [{ id: 'o2', appointment_id: 8, _dirty: 1 }], true)).toBeNull() // another visit's
    expect(reportBlocker(DONE, [{ id: 'o3', appointment_id: 7 }], false)).toBe('offline')
    expect(reportBlocker(DONE, [{ id: 'o3', appointment_id: 7 }], true)).toBeNull()
  })
})

describe('the report requests', () => {
  it('points the PDF at the visit', () => {
    expect(reportPdfUrl(DONE)).toBe('/api/cases/3/documents/visit_report.pdf?appointment_id=7')
  })

  it("reads the server's pre-filled e-mail for the visit report", async () => {
    const email = { recipients: ['maria@example.com'], subject: 'Relatório da Visita AT-1', message: 'Olá, Maria.' }
    const { api } = fakeApi(() => [200, { case_id: 3, kinds: [{ kind: 'visit_report', email }] }])
    expect(await reportEmailDefaults(api, DONE)).toEqual(email)
  })

  it('queues the e-mail with the recipients typed (parsed once each), and confirms in pt-BR', async () => {
    const { api, requests } = fakeApi((path, init) => [202, { id: 'e1', recipients: JSON.parse(init.body).recipients, status: 'queued' }])
    const text = await emailReport(api, DONE, {
      recipients: parseRecipients('maria@example.com; joao@example.com, maria@example.com'),
      subject: ' Relatório ',
      message: '',
    })
    expect(text).toBe('Relatório enviado para a fila de e-mail: maria@example.com, joao@example.com.')
    expect(requests).toEqual([
      {
        method: 'POST',
        path: '/api/cases/3/documents/visit_report/email',
        body: { appointment_id: 7, recipients: ['maria@example.com', 'joao@example.com'], subject: 'Relatório' },
      },
    ])
  })
})

describe('the e-mail form of both apps', () => {
  it('splits recipients on commas, semicolons and spaces, each address once', () => {
    expect(parseRecipients(' a@x.com,b@y.com ;\nc@z.com  a@x.com ')).toEqual(['a@x.com', 'b@y.com', 'c@z.com'])
    expect(parseRecipients('  ')).toEqual([])
    expect(parseRecipients(null)).toEqual([])
  })

  it('gathers the messages about each refused address at the recipients field', () => {
    const fields = { 'recipients.0': ['E-mail inválido.'], 'recipients.2': 'Domínio desconhecido.', subject: ['Longo demais.'] }
    expect(recipientErrors(fields)).toEqual({ ...fields, recipients: ['E-mail inválido.', 'Domínio desconhecido.'] })
    expect(recipientErrors({ subject: ['x'] })).toEqual({ subject: ['x'] })
  })
})

describe('problemLines', () => {
  it("shows the server's detail and its field messages", () => {
    const error = new ApiError(422, {
      title: 'Dados inválidos',
      detail: 'Verifique os campos destacados.',
      errors: { recipients: ['O cliente não tem e-mail cadastrado: informe os destinatários.'] },
    })
    expect(problemLines(error)).toEqual(['Verifique os campos destacados.', 'O cliente não tem e-mail cadastrado: informe os destinatários.'])
    expect(problemLines(new ApiError(403, { detail: 'Só o relatório das suas visitas.' }))).toEqual(['Só o relatório das suas visitas.'])
    expect(problemLines(new NetworkError('x'))[0]).toMatch(/Sem conexão/)
  })
})
