// The case list's filters live in the URL (pt-BR keys, so a shared or reloaded link shows the same
// list) and become the API's query. Pure functions: the list screen and the tests share them.
import { choicesOf } from '../data/labels.js'

export const STATUSES = choicesOf('case_status')
const STATUS_VALUES = new Set(STATUSES.map(([value]) => value))
export const DUE_SOON_DAYS = 7
export const PAGE_SIZE = 25

export const EMPTY_FILTERS = Object.freeze({
  status: [],
  overdue: false,
  dueSoon: false,
  assignee: '',
  customer: '',
  contract: '',
  q: '',
  from: '',
  to: '',
  sort: 'newest',
})

// filter → URL key, in the order they appear in a link
const KEYS = {
  status: 'situacao',
  overdue: 'atrasadas',
  dueSoon: 'vencendo',
  assignee: 'tecnico',
  customer: 'cliente',
  contract: 'contrato',
  q: 'busca',
  from: 'de',
  to: 'ate',
  sort: 'ordem',
}

const isDate = (text) => /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`))
const isId = (text) => /^\d{1,12}$/.test(text)
const clip = (text, max) => text.trim().slice(0, max)

/** URL query (`?situacao=open,pending&atrasadas=1…`) → filters; anything unreadable is dropped. */
export function parseFilters(search) {
  const params = new URLSearchParams(search)
  const get = (name) => params.get(KEYS[name]) || ''
  const flag = (name) => ['1', 'true', 'sim'].includes(get(name))
  return {
    status: [...new Set(get('status').split(','))].filter((s) => STATUS_VALUES.has(s)),
    overdue: flag('overdue'),
    dueSoon: flag('dueSoon'),
    assignee: isId(get('assignee')) ? get('assignee') : '',
    customer: isId(get('customer')) ? get('customer') : '',
    contract: clip(get('contract'), 40),
    q: clip(get('q'), 100),
    from: isDate(get('from')) ? get('from') : '',
    to: isDate(get('to')) ? get('to') : '',
    sort: get('sort') === 'prazo' ? 'due_at' : 'newest',
  }
}

/** Filters → URL query ('' when nothing is filtered), the keys always in the same order. */
export function filtersToSearch(filters) {
  const f = { ...EMPTY_FILTERS, ...filters }
  const params = new URLSearchParams()
  if (f.status.length)
    params.set(
      KEYS.status,
      STATUSES.map(([v]) => v)
        .filter((v) => f.status.includes(v))
        .join(','),
    )
  if (f.overdue) params.set(KEYS.overdue, '1')
  if (f.dueSoon) params.set(KEYS.dueSoon, '1')
  for (const name of ['assignee', 'customer', 'contract', 'q', 'from', 'to']) {
    const value = String(f[name] || '').trim()
    if (value) params.set(KEYS[name], value)
  }
  if (f.sort === 'due_at') params.set(KEYS.sort, 'prazo')
  const text = params.toString().replace(/%2C/g, ',')
  return text ? `?${text}` : ''
}

/** Filters (+ the page's cursor) → the `/api/cases` request for one page. */
export function casesRequest(filters, { cursor = null, limit = PAGE_SIZE } = {}) {
  const f = { ...EMPTY_FILTERS, ...filters }
  const params = new URLSearchParams()
  if (f.status.length) params.set('status', f.status.join(','))
  if (f.overdue) params.set('overdue', 'true')
  if (f.dueSoon) params.set('due_within_days', String(DUE_SOON_DAYS))
  if (f.assignee) params.set('assignee', f.assignee)
  if (f.customer) params.set('customer_id', f.customer)
  if (f.contract.trim()) params.set('contract_number', f.contract.trim())
  if (f.q.trim()) params.set('q', f.q.trim())
  if (f.from) params.set('opened_from', f.from)
  if (f.to) params.set('opened_to', f.to)
  params.set('sort', f.sort === 'due_at' ? 'due_at' : 'newest')
  params.set('limit', String(limit))
  if (cursor) params.set('cursor', cursor)
  return `/api/cases?${params.toString().replace(/%2C/g, ',')}`
}

/** How many filters are on (the sort order is not a filter). */
export function activeFilterCount(filters) {
  const f = { ...EMPTY_FILTERS, ...filters }
  return (
    (f.status.length ? 1 : 0) +
    ['overdue', 'dueSoon'].filter((k) => f[k]).length +
    ['assignee', 'customer', 'contract', 'q', 'from', 'to'].filter((k) => String(f[k]).trim()).length
  )
}
