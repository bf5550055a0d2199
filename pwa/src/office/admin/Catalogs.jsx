// Cadastros: one catalog at a time (a tab per kind), retired entries included (one request per
// catalog); add, rename, retire and reactivate. Entries are retired, not deleted: old records
// keep their labels, and the phones stop offering them after their next sync.
import { useEffect, useRef, useState } from 'preact/hooks'
import { officeApi } from '../api.js'
import { fieldMessage, problemOf } from '../../data/problem.js'
import { CATALOGS, catalogBySlug, sortEntries } from './catalogs.js'

function Entry({ entry, catalog, onSaved }) {
  const [renaming, setRenaming] = useState(false)
  const [name, setName] = useState(entry.name)
  const [problem, setProblem] = useState(null)
  const [busy, setBusy] = useState(false)
  const input = useRef(null)
  useEffect(() => renaming && input.current?.focus(), [renaming])

  const send = async (body) => {
    setBusy(true)
    setProblem(null)
    try {
      onSaved(await officeApi.patch(`/api/catalogs/${catalog.kind}/${entry.id}`, body))
      return true
    } catch (error) {
      setProblem(problemOf(error))
      return false
    } finally {
      setBusy(false)
    }
  }
  const rename = async (event) => {
    event.preventDefault()
    if (name.trim() === entry.name) return setRenaming(false)
    if (await send({ name: name.trim() })) setRenaming(false)
  }
  const message = problem && (fieldMessage(problem.fields, 'name') || fieldMessage(problem.fields, 'active') || problem.message)
  const errorId = `entry-${entry.id}-error`
  return (
    <li class={`catalog-entry${entry.active ? '' : ' is-inactive'}`} data-testid="catalog-entry">
      {renaming ? (
        <form class="catalog-rename" onSubmit={rename}>
          <label class="visually-hidden" for={`entry-${entry.id}`}>
            Novo nome de “{entry.name}”
          </label>
          <input
            id={`entry-${entry.id}`}
            ref={input}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            maxLength={80}
            required
            aria-invalid={message ? 'true' : undefined}
            aria-describedby={message ? errorId : undefined}
            onKeyDown={(e) => e.key === 'Escape' && (setRenaming(false), setName(entry.name), setProblem(null))}
          />
          <button type="submit" class="btn btn-small btn-primary" disabled={busy}>
            Salvar
          </button>
          <button
            type="button"
            class="btn btn-small"
            onClick={() => {
              setRenaming(false)
              setName(entry.name)
              setProblem(null)
            }}
          >
            Cancelar
          </button>
        </form>
      ) : (
        <>
          <span class="catalog-name">{entry.name}</span>
          {!entry.active && <span class="chip chip-cancelled">Inativo</span>}
          <span class="catalog-actions">
            <button type="button" class="btn btn-small" onClick={() => setRenaming(true)} aria-label={`Renomear ${entry.name}`}>
              Renomear
            </button>
            <button
              type="button"
              class={entry.active ? 'btn btn-small btn-danger' : 'btn btn-small'}
              disabled={busy}
              onClick={() => send({ active: !entry.active })}
              aria-label={`${entry.active ? 'Desativar' : 'Reativar'} ${entry.name}`}
            >
              {entry.active ? 'Desativar' : 'Reativar'}
            </button>
          </span>
        </>
      )}
      {message && (
        <span class="field-error catalog-error" id={errorId} role="alert">
          {message}
        </span>
      )}
    </li>
  )
}

function AddEntry({ catalog, store, onAdded }) {
  const [name, setName] = useState('')
  const [problem, setProblem] = useState(null)
  const [busy, setBusy] = useState(false)
  const submit = async (event) => {
    event.preventDefault()
    setBusy(true)
    setProblem(null)
    try {
      onAdded(await officeApi.post(`/api/catalogs/${catalog.kind}`, { name: name.trim(), store_id: store.id }))
      setName('')
    } catch (error) {
      setProblem(problemOf(error))
    } finally {
      setBusy(false)
    }
  }
  const message = problem && (fieldMessage(problem.fields, 'name') || problem.message)
  return (
    <form class="card form catalog-add" onSubmit={submit}>
      <label for="catalog-new">
        Incluir {catalog.one}
        <input
          id="catalog-new"
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
          maxLength={80}
          required
          aria-invalid={message ? 'true' : undefined}
          aria-describedby={message ? 'catalog-new-error' : undefined}
        />
        {message && (
          <span class="field-error" id="catalog-new-error">
            {message}
          </span>
        )}
      </label>
      <button type="submit" class="btn btn-primary" disabled={busy || !name.trim()}>
        Incluir
      </button>
    </form>
  )
}

export function Catalogs({ slug, store }) {
  const catalog = catalogBySlug(slug) || CATALOGS[0]
  const [entries, setEntries] = useState(null)
  const [error, setError] = useState(null)
  useEffect(() => {
    setEntries(null)
    setError(null)
    officeApi.get(`/api/catalogs/${catalog.kind}?include_inactive=true&store_id=${store.id}`).then(setEntries, (e) => setError(problemOf(e).message))
  }, [catalog.kind, store.id])
  const saved = (entry) => setEntries((list) => list.map((e) => (e.id === entry.id ? entry : e)))
  const added = (entry) => setEntries((list) => [...list, entry])
  return (
    <>
      <h1 class="screen-title">Cadastros auxiliares</h1>
      <nav class="subtabs" aria-label="Cadastros">
        {CATALOGS.map((c) => (
          <a key={c.slug} href={`/escritorio/admin/cadastros/${c.slug}`} aria-current={c === catalog ? 'page' : undefined}>
            {c.title}
          </a>
        ))}
      </nav>
      <section aria-labelledby="catalog-title">
        <h2 id="catalog-title">{catalog.title}</h2>
        <AddEntry key={catalog.kind} catalog={catalog} store={store} onAdded={added} />
        {error && (
          <p class="notice notice-error" role="alert">
            {error}
          </p>
        )}
        {!entries && !error && <p role="status">Carregando…</p>}
        {entries && !entries.length && <p class="muted">Nenhum item cadastrado.</p>}
        {entries && entries.length > 0 && (
          <ul class="plain catalog-list card" aria-label={catalog.title}>
            {sortEntries(entries).map((entry) => (
              <Entry key={entry.id} entry={entry} catalog={catalog} onSaved={saved} />
            ))}
          </ul>
        )}
      </section>
    </>
  )
}
