// Pieces every tab uses: the empty problem, a loading/error line, and catalog options. (The form's
// problem summary, ProblemNotice, is every office form's: ../fields.jsx.)
import { useEffect, useState } from 'preact/hooks'
import { officeApi } from '../api.js'
import { problemOf } from '../../data/problem.js'

export const NO_PROBLEM = Object.freeze({ message: '', fields: {} })

/** Several GETs at once (a tab's data); `reload()` fetches them again. */
export function useLoad(paths, deps) {
  const [state, setState] = useState({ data: null, error: null })
  const load = () =>
    Promise.all(paths.map((p) => officeApi.get(p))).then(
      (data) => setState({ data, error: null }),
      (e) => setState({ data: null, error: problemOf(e).message }),
    )
  useEffect(() => {
    setState({ data: null, error: null })
    load()
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller names what the paths depend on, as with useEffect
  }, deps)
  return [state, load]
}

export function Loading({ error, what }) {
  if (error)
    return (
      <p class="notice notice-error" role="alert">
        {error}
      </p>
    )
  return <p role="status">Carregando {what}…</p>
}

export const catalogPath = (kind, storeId) => `/api/catalogs/${kind}?store_id=${storeId}`

export function Options({ entries, placeholder = 'Selecione…' }) {
  return (
    <>
      <option value="">{placeholder}</option>
      {entries.map((e) => (
        <option key={e.id} value={String(e.id)}>
          {e.name}
        </option>
      ))}
    </>
  )
}

/** Label/value pairs that wrap as a line (pairs with an empty value are left out). */
export function FactsRow({ pairs }) {
  return (
    <dl class="facts-row">
      {pairs
        .filter(([, value]) => value != null && value !== '' && value !== false)
        .map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
    </dl>
  )
}
