// Search boxes that live inside a bigger form (a form cannot nest in another): Enter or
// "Buscar" runs one request; each result is a button that picks it.
import { useState } from 'preact/hooks'
import { formatAddress, formatPhone } from '../lib/format.js'
import { officeApi } from './api.js'
import { problemOf } from '../data/problem.js'
import { formatDocument } from './format.js'

function useLookup(url) {
  const [state, setState] = useState({ results: null, busy: false, error: null })
  async function run(query) {
    if (!query.trim()) return
    setState({ results: null, busy: true, error: null })
    try {
      const page = await officeApi.get(url(query.trim()))
      setState({ results: page.items, busy: false, error: null })
    } catch (error) {
      setState({ results: null, busy: false, error: problemOf(error).message })
    }
  }
  return [state, run, () => setState({ results: null, busy: false, error: null })]
}

function SearchBox({ id, label, hint, placeholder, onSearch, busy, describedBy }) {
  const [query, setQuery] = useState('')
  const submit = () => onSearch(query)
  return (
    <div class="lookup-box">
      <label for={id}>{label}</label>
      <div class="lookup-row">
        <input
          id={id}
          type="search"
          value={query}
          placeholder={placeholder}
          aria-describedby={[hint && `${id}-hint`, describedBy].filter(Boolean).join(' ') || undefined}
          onInput={(e) => setQuery(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault() // search, not submit the surrounding form
              submit()
            }
          }}
        />
        <button type="button" class="btn" onClick={submit} disabled={busy}>
          {busy ? 'Buscando…' : 'Buscar'}
        </button>
      </div>
      {hint && (
        <span class="field-hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
    </div>
  )
}

export function CustomerSearch({ id = 'customer-search', label = 'Buscar cliente', onChoose, describedBy }) {
  const [{ results, busy, error }, run] = useLookup((q) => `/api/customers?q=${encodeURIComponent(q)}&limit=10`)
  return (
    <div class="lookup">
      <SearchBox id={id} label={label} hint="Nome, CPF/CNPJ ou telefone." onSearch={run} busy={busy} describedBy={describedBy} />
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {results && (
        <div role="status" class="lookup-results">
          {results.length ? (
            <ul class="plain" aria-label="Clientes encontrados">
              {results.map((c) => (
                <li key={c.id} class="lookup-result">
                  <span>
                    <strong>{c.name}</strong>
                    <span class="muted small"> {[formatDocument(c.document), (c.phones || []).map(formatPhone).join(', ')].filter(Boolean).join(' · ')}</span>
                  </span>
                  <button type="button" class="btn btn-small" onClick={() => onChoose(c)} aria-label={`Escolher ${c.name}`}>
                    Escolher
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">Nenhum cliente encontrado.</p>
          )}
        </div>
      )}
    </div>
  )
}

export function ContractSearch({ onChoose, describedBy }) {
  const [{ results, busy, error }, run] = useLookup((q) => `/api/contracts?q=${encodeURIComponent(q)}&limit=10`)
  return (
    <div class="lookup">
      <SearchBox
        id="contract-search"
        label="Buscar contrato"
        hint="Número do contrato ou nome do cliente."
        onSearch={run}
        busy={busy}
        describedBy={describedBy}
      />
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {results && (
        <div role="status" class="lookup-results">
          {results.length ? (
            <ul class="plain" aria-label="Contratos encontrados">
              {results.map((c) => (
                <li key={c.id} class="lookup-result">
                  <span>
                    <strong>{c.number}</strong> — {c.customer.name}
                    <span class="muted small"> {c.delivery_address ? `Entrega: ${formatAddress(c.delivery_address)}` : 'Sem endereço de entrega'}</span>
                  </span>
                  <button type="button" class="btn btn-small" onClick={() => onChoose(c)} aria-label={`Usar o contrato ${c.number}`}>
                    Usar
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">Nenhum contrato encontrado.</p>
          )}
        </div>
      )}
    </div>
  )
}
