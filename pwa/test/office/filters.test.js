import { describe, expect, it } from 'vitest'
import { activeFilterCount, casesRequest, EMPTY_FILTERS, filtersToSearch, parseFilters } from '../../src/office/filters.js'

describe('case list filters ↔ URL query', () => {
  it('reads every filter from a link', () => {
    const f = parseFilters(
      '?situacao=open,pending&atrasadas=1&vencendo=1&tecnico=3&cliente=12&contrato=C-1001&busca=porta&de=2026-10-01&ate=2026-10-31&ordem=prazo',
    )
    expect(f).toEqual({
      status: ['open', 'pending'],
      overdue: true,
      dueSoon: true,
      assignee: '3',
      customer: '12',
      contract: 'C-1001',
      q: 'porta',
      from: '2026-10-01',
      to: '2026-10-31',
      sort: 'due_at',
    })
  })

  it('round-trips: filters → query → the same filters', () => {
    const filters = { ...EMPTY_FILTERS, status: ['pending', 'open'], dueSoon: true, q: 'gaveta solta', to: '2026-11-30' }
    const search = filtersToSearch(filters)
    // statuses in the flow's order, whatever order they were ticked in
    expect(search).toBe('?situacao=open,pending&vencendo=1&busca=gaveta+solta&ate=2026-11-30')
    expect(parseFilters(search)).toEqual({ ...filters, status: ['open', 'pending'] })
  })

  it('gives an empty query when nothing is filtered', () => {
    expect(filtersToSearch(EMPTY_FILTERS)).toBe('')
    expect(parseFilters('')).toEqual(EMPTY_FILTERS)
    expect(activeFilterCount(EMPTY_FILTERS)).toBe(0)
  })

  it('drops what a hand-edited link gets wrong', () => {
    const f = parseFilters('?situacao=open,bogus,open&tecnico=abc&cliente=1;drop&de=2026-13-45&ate=ontem&atrasadas=0')
    expect(f.status).toEqual(['open'])
    expect(f.assignee).toBe('')
    expect(f.customer).toBe('')
    expect(f.from).toBe('')
    expect(f.to).toBe('')
    expect(f.overdue).toBe(false)
    expect(parseFilters(`?busca=${'x'.repeat(300)}`).q).toHaveLength(100)
  })

  it('counts the filters that are on', () => {
    expect(activeFilterCount({ ...EMPTY_FILTERS, status: ['open', 'pending'], overdue: true, q: ' ', sort: 'due_at' })).toBe(2)
  })
})

describe('case list filters → API request', () => {
  it('maps each filter to the API parameter', () => {
    const url = casesRequest(
      parseFilters('?situacao=open,pending&atrasadas=1&vencendo=1&tecnico=3&cliente=12&contrato=C-1&busca=porta&de=2026-10-01&ate=2026-10-31'),
    )
    const params = new URL(url, 'http://x').searchParams
    expect(url.startsWith('/api/cases?')).toBe(true)
    expect(Object.fromEntries(params)).toEqual({
      status: 'open,pending',
      overdue: 'true',
      due_within_days: '7',
      assignee: '3',
      customer_id: '12',
      contract_number: 'C-1',
      q: 'porta',
      opened_from: '2026-10-01',
      opened_to: '2026-10-31',
      sort: 'newest',
      limit: '25',
    })
  })

  it('asks for the next page with the cursor and keeps the sort', () => {
    const params = new URL(casesRequest({ sort: 'due_at' }, { cursor: 'WzEyXQ', limit: 10 }), 'http://x').searchParams
    expect(params.get('cursor')).toBe('WzEyXQ')
    expect(params.get('sort')).toBe('due_at')
    expect(params.get('limit')).toBe('10')
    expect(params.has('status')).toBe(false)
  })
})
