import { describe, expect, it } from 'vitest'
import { ApiError, NetworkError } from '../../src/data/api.js'
import { weeklyBars, niceMax } from '../../src/office/chart.js'
import { fieldMessage, problemOf, unclaimedMessages } from '../../src/data/problem.js'
import { daysLate, formatCep, formatDocument, lateLabel } from '../../src/office/format.js'

const TZ = 'America/Sao_Paulo'

describe('days late', () => {
  const now = new Date('2026-11-28T15:00:00Z') // 12:00 in São Paulo
  it('counts calendar days on the store clock', () => {
    expect(daysLate({ overdue: true, due_at: '2026-11-25T10:00:00-03:00' }, now, TZ)).toBe(3)
    // 23:30 in São Paulo on the 27th is already the 28th in UTC: still one day late there
    expect(daysLate({ overdue: true, due_at: '2026-11-27T23:30:00-03:00' }, now, TZ)).toBe(1)
    expect(daysLate({ overdue: true, due_at: '2026-11-28T08:00:00-03:00' }, now, TZ)).toBe(0)
  })
  it('is null for a case that is not late', () => {
    expect(daysLate({ overdue: false, due_at: '2026-11-01T10:00:00-03:00' }, now, TZ)).toBeNull()
    expect(lateLabel(null)).toBe('')
  })
  it('says it in pt-BR', () => {
    expect(lateLabel(0)).toBe('Venceu hoje')
    expect(lateLabel(1)).toBe('1 dia de atraso')
    expect(lateLabel(12)).toBe('12 dias de atraso')
  })
})

describe('documents and CEPs', () => {
  it('punctuates CPF, CNPJ and CEP', () => {
    expect(formatDocument('52998224725')).toBe('529.982.247-25')
    expect(formatDocument('11222333000181')).toBe('11.222.333/0001-81')
    expect(formatDocument('12ABC34501DE35')).toBe('12.ABC.345/01DE-35') // the alphanumeric CNPJ (July 2026)
    expect(formatDocument(null)).toBe('')
    expect(formatCep('01310100')).toBe('01310-100')
  })
})

describe('API problems at their fields', () => {
  const error = new ApiError(422, {
    detail: 'Verifique os campos destacados.',
    errors: { 'customer.document': ['CPF inválido: confira os dígitos.'], reported_issue: ['Campo obrigatório.'], 'x.y': ['Outro.'] },
  })
  it('keeps the fields and the message', () => {
    const problem = problemOf(error)
    expect(problem.message).toBe('Verifique os campos destacados.')
    expect(fieldMessage(problem.fields, 'customer.document')).toBe('CPF inválido: confira os dígitos.')
    expect(fieldMessage(problem.fields, 'customer.name')).toBe('')
  })
  it('lists what no field shows', () => {
    expect(unclaimedMessages(problemOf(error).fields, ['customer.document', 'reported_issue'])).toEqual(['x.y: Outro.'])
  })
  it('explains a missing connection', () => {
    expect(problemOf(new NetworkError('offline')).message).toMatch(/Sem conexão/)
  })
})

describe('weekly chart geometry', () => {
  it('picks a round scale', () => {
    expect(niceMax(0)).toBe(1)
    expect(niceMax(7)).toBe(10)
    expect(niceMax(13)).toBe(20)
    expect(niceMax(40)).toBe(50)
  })
  it('scales bars to the tallest week and labels them dd/mm', () => {
    const weeks = [
      { week_start: '2026-11-16', opened: 10, closed: 5 },
      { week_start: '2026-11-23', opened: 0, closed: 0 },
    ]
    const { max, plot, bars, ticks } = weeklyBars(weeks, { width: 228, height: 200, axis: 24, gutter: 28 })
    expect(max).toBe(10)
    expect(bars.map((b) => b.label)).toEqual(['16/11', '23/11'])
    expect(bars[0].opened.height).toBeCloseTo(2 * bars[0].closed.height)
    expect(bars[0].opened.y + bars[0].opened.height).toBeCloseTo(plot)
    expect(bars[1].opened.height).toBe(0)
    expect(bars[1].opened.x).toBeGreaterThan(bars[0].closed.x)
    expect(ticks.map((t) => t.value)).toEqual([0, 5, 10])
  })
  it('draws an empty history without NaN', () => {
    const { bars } = weeklyBars([{ week_start: '2026-11-23', opened: 0, closed: 0 }])
    expect(Number.isFinite(bars[0].opened.y)).toBe(true)
  })
})
