// A cursor-paginated list read from the API: the first page when the request changes, then
// "Carregar mais" appends the next one (the API's `next_cursor`). One request per page.
import { useEffect, useState } from 'preact/hooks'
import { problemOf } from '../../data/problem.js'
import { officeApi } from '../api.js'

const withCursor = (url, cursor) => (cursor ? `${url}${url.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}` : url)

export function usePaged(url) {
  const [state, setState] = useState({ items: [], next: null, loading: true, error: '' })
  useEffect(() => {
    let current = true
    setState({ items: [], next: null, loading: true, error: '' })
    officeApi.get(url).then(
      (page) => current && setState({ items: page.items, next: page.next_cursor, loading: false, error: '' }),
      (e) => current && setState({ items: [], next: null, loading: false, error: problemOf(e).message }),
    )
    return () => {
      current = false
    }
  }, [url])
  async function more() {
    setState({ ...state, loading: true })
    try {
      const page = await officeApi.get(withCursor(url, state.next))
      setState({ items: [...state.items, ...page.items], next: page.next_cursor, loading: false, error: '' })
    } catch (e) {
      setState({ ...state, loading: false, error: problemOf(e).message })
    }
  }
  return { ...state, more }
}

/** How many were found (none counted until the first page came, nor after a failure) and the failure. */
export function ListStatus({ list, one, many }) {
  const count = list.items.length
  return (
    <>
      <p class="muted small" role="status" data-testid="list-status">
        {list.error ? '' : list.loading && !count ? 'Carregando…' : `${count} ${count === 1 ? one : many}${list.next ? ' (há mais)' : ''}`}
      </p>
      {list.error && (
        <p class="notice notice-error" role="alert">
          {list.error}
        </p>
      )}
    </>
  )
}

export function MoreButton({ list }) {
  if (!list.next) return null
  return (
    <div class="actions">
      <button type="button" class="btn" onClick={list.more} disabled={list.loading}>
        {list.loading ? 'Carregando…' : 'Carregar mais'}
      </button>
    </div>
  )
}

/** The search box of a list, kept in the query (`?busca=`), so a reload or Back shows the same list. */
export function SearchBox({ label, value, onSearch, placeholder }) {
  const [text, setText] = useState(value)
  useEffect(() => setText(value), [value])
  return (
    <form
      class="card form list-search"
      role="search"
      onSubmit={(e) => {
        e.preventDefault()
        onSearch(text.trim())
      }}
    >
      <label>
        {label}
        <input type="search" value={text} placeholder={placeholder} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      <button type="submit" class="btn">
        Buscar
      </button>
    </form>
  )
}

export const queryValue = (search, name) => new URLSearchParams(search).get(name) || ''
