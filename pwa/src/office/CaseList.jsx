// Assistências: the filters are the URL's query (a reload or a shared link shows the same list);
// one request per page (the list endpoint joins customer, contract and technician), cursor
// pagination with "Carregar mais", overdue rows marked with their days late.
import { useEffect, useState } from 'preact/hooks'
import { formatDate } from '../lib/format.js'
import { officeApi } from './api.js'
import { problemOf } from '../data/problem.js'
import { activeFilterCount, casesRequest, filtersToSearch, parseFilters, STATUSES } from './filters.js'
import { daysLate, lateLabel } from './format.js'
import { CustomerSearch } from './Lookup.jsx'
import { setSearch } from '../lib/router.js'

function useTechnicians() {
  const [technicians, setTechnicians] = useState([])
  useEffect(() => {
    officeApi.get('/api/users?role=technician').then(setTechnicians, () => setTechnicians([]))
  }, [])
  return technicians
}

/** The name of the customer a link filters by (one request, only when there is one). */
function useCustomerName(id) {
  const [name, setName] = useState('')
  useEffect(() => {
    setName('')
    if (id)
      officeApi.get(`/api/customers/${id}`).then(
        (c) => setName(c.name),
        () => setName(`cliente nº ${id}`),
      )
  }, [id])
  return name
}

function Filters({ filters, technicians }) {
  const [draft, setDraft] = useState(filters)
  const [picking, setPicking] = useState(false)
  const customerName = useCustomerName(draft.customer)
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the filters as a URL query: a new object with the same filters is no change
  useEffect(() => setDraft(filters), [filtersToSearch(filters)])
  const set = (name) => (e) => setDraft({ ...draft, [name]: e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value })
  const toggleStatus = (value) => (e) =>
    setDraft({ ...draft, status: e.currentTarget.checked ? [...draft.status, value] : draft.status.filter((s) => s !== value) })
  const apply = (event) => {
    event.preventDefault()
    setSearch(filtersToSearch(draft))
  }
  return (
    <form class="card form filters" onSubmit={apply} aria-label="Filtros" role="search">
      <div class="grid grid-filters">
        <label class="span-5">
          Busca
          <input type="search" name="busca" value={draft.q} onInput={set('q')} placeholder="Número, Situação Alegada ou cliente" />
        </label>
        <label class="span-4">
          Técnico
          <select name="tecnico" value={draft.assignee} onChange={set('assignee')}>
            <option value="">Todos</option>
            {technicians.map((t) => (
              <option key={t.id} value={String(t.id)}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label class="span-3">
          Ordem
          <select name="ordem" value={draft.sort} onChange={set('sort')}>
            <option value="newest">Mais recentes primeiro</option>
            <option value="due_at">Prazo mais próximo primeiro</option>
          </select>
        </label>
        <label class="span-3">
          Contrato
          <input name="contrato" value={draft.contract} onInput={set('contract')} />
        </label>
        <label class="span-3">
          Aberta de
          <input type="date" name="de" value={draft.from} onInput={set('from')} />
        </label>
        <label class="span-3">
          Aberta até
          <input type="date" name="ate" value={draft.to} onInput={set('to')} />
        </label>
      </div>
      <fieldset class="status-filter">
        <legend>Situação</legend>
        {STATUSES.map(([value, label]) => (
          <label class="check" key={value}>
            <input type="checkbox" name="situacao" value={value} checked={draft.status.includes(value)} onChange={toggleStatus(value)} />
            {label}
          </label>
        ))}
        <label class="check">
          <input type="checkbox" name="atrasadas" checked={draft.overdue} onChange={set('overdue')} />
          Só atrasadas
        </label>
        <label class="check">
          <input type="checkbox" name="vencendo" checked={draft.dueSoon} onChange={set('dueSoon')} />
          Vencem em 7 dias
        </label>
      </fieldset>
      <div class="customer-filter">
        {draft.customer ? (
          <p>
            Cliente: <strong>{customerName || '…'}</strong>{' '}
            <button type="button" class="btn btn-small" onClick={() => setDraft({ ...draft, customer: '' })}>
              Remover cliente
            </button>
          </p>
        ) : picking ? (
          <CustomerSearch
            id="filter-customer"
            label="Filtrar por cliente"
            onChoose={(c) => {
              setDraft({ ...draft, customer: String(c.id) })
              setPicking(false)
            }}
          />
        ) : (
          <button type="button" class="btn btn-ghost" onClick={() => setPicking(true)}>
            Filtrar por cliente…
          </button>
        )}
      </div>
      <div class="actions">
        <button class="btn btn-primary" type="submit">
          Filtrar
        </button>
        <button type="button" class="btn" onClick={() => setSearch('')} disabled={!activeFilterCount(filters) && filters.sort === 'newest'}>
          Limpar filtros
        </button>
      </div>
    </form>
  )
}

function CaseRow({ kase, timeZone }) {
  const late = daysLate(kase, new Date(), timeZone)
  return (
    <tr class={late != null ? 'is-late' : undefined} data-testid="case-row">
      <td>
        <a href={`/escritorio/assistencias/${kase.id}`}>{kase.number}</a>
      </td>
      <td>{kase.customer.name}</td>
      <td>
        <span class={`chip chip-case-${kase.status}`}>{kase.status_label}</span>
      </td>
      <td>{kase.assignee?.name || <span class="muted">—</span>}</td>
      <td class="nowrap">{kase.contract?.number || <span class="muted">—</span>}</td>
      <td class="nowrap">{formatDate(kase.opened_at, timeZone)}</td>
      <td class="nowrap">
        {formatDate(kase.due_at, timeZone)}
        {late != null && (
          <span class="late" data-testid="days-late">
            {' '}
            {lateLabel(late)}
          </span>
        )}
      </td>
      <td class="issue">{kase.reported_issue}</td>
    </tr>
  )
}

export function CaseList({ search, timeZone }) {
  const filters = parseFilters(search)
  const technicians = useTechnicians()
  const [state, setState] = useState({ items: [], next: null, loading: true, error: null })
  const request = casesRequest(filters)

  useEffect(() => {
    let current = true
    setState({ items: [], next: null, loading: true, error: null })
    officeApi.get(request).then(
      (page) => current && setState({ items: page.items, next: page.next_cursor, loading: false, error: null }),
      (e) => current && setState({ items: [], next: null, loading: false, error: problemOf(e).message }),
    )
    return () => {
      current = false
    }
  }, [request])

  async function more() {
    setState({ ...state, loading: true })
    try {
      const page = await officeApi.get(casesRequest(filters, { cursor: state.next }))
      setState({ items: [...state.items, ...page.items], next: page.next_cursor, loading: false, error: null })
    } catch (e) {
      setState({ ...state, loading: false, error: problemOf(e).message })
    }
  }

  const count = activeFilterCount(filters)
  return (
    <>
      <div class="screen-head">
        <h1 class="screen-title">Assistências</h1>
        <a class="btn btn-primary" href="/escritorio/assistencias/nova">
          Incluir assistência
        </a>
      </div>
      <Filters filters={filters} technicians={technicians} />
      <p class="muted small" role="status" data-testid="list-status">
        {state.loading && !state.items.length
          ? 'Carregando…'
          : `${state.items.length} ${state.items.length === 1 ? 'assistência' : 'assistências'}${state.next ? ' (há mais)' : ''}` +
            (count ? ` · ${count} ${count === 1 ? 'filtro' : 'filtros'}` : '')}
      </p>
      {state.error && (
        <p class="notice notice-error" role="alert">
          {state.error}
        </p>
      )}
      {state.items.length > 0 && (
        <div class="table-wrap">
          <table class="table cases">
            <caption class="visually-hidden">Assistências</caption>
            <thead>
              <tr>
                <th scope="col">Número</th>
                <th scope="col">Cliente</th>
                <th scope="col">Situação</th>
                <th scope="col">Técnico</th>
                <th scope="col">Contrato</th>
                <th scope="col">Aberta em</th>
                <th scope="col">Prazo</th>
                <th scope="col">Situação Alegada</th>
              </tr>
            </thead>
            <tbody>
              {state.items.map((kase) => (
                <CaseRow key={kase.id} kase={kase} timeZone={timeZone} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {!state.loading && !state.error && !state.items.length && <p class="card empty">Nenhuma assistência com estes filtros.</p>}
      {state.next && (
        <div class="actions">
          <button type="button" class="btn" onClick={more} disabled={state.loading}>
            {state.loading ? 'Carregando…' : 'Carregar mais'}
          </button>
        </div>
      )}
    </>
  )
}
