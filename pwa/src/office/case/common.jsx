// Pieces every tab uses: the form's problem summary (the API's message, plus any field message
// the form has no field for, so nothing is hidden), a loading/error line, and catalog options.
import { useEffect, useState } from 'preact/hooks'
import { officeApi } from '../api.js'
import { problemOf, unclaimedMessages } from '../errors.js'

export const NO_PROBLEM = Object.freeze({ message: '', fields: {} })

export function ProblemNotice({ problem, shown = [], noticeRef, testId = 'form-problem' }) {
  if (!problem?.message) return null
  const leftovers = unclaimedMessages(problem.fields, shown)
  return (
    <div class="notice notice-error" role="alert" tabIndex={-1} ref={noticeRef} data-testid={testId}>
      <p>{problem.message}</p>
      {leftovers.length > 0 && (
        <ul>
          {leftovers.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
    </div>
  )
}

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
