// Layouts de impressão: the store's layouts per document kind (one request), the default marked;
// make another the default, delete one that is not, open one in the editor or start a new one.
import { useEffect, useState } from 'preact/hooks'
import { formatDateTime } from '../../lib/format.js'
import { officeApi } from '../api.js'
import { problemOf } from '../../data/problem.js'
import { groupLayouts } from './layouts.js'

export function Layouts({ store }) {
  const [layouts, setLayouts] = useState(null)
  const [error, setError] = useState(null)
  const [problem, setProblem] = useState(null)
  const load = () => officeApi.get(`/api/layouts?store_id=${store.id}`).then(setLayouts, (e) => setError(problemOf(e).message))
  useEffect(() => {
    load()
    // eslint-disable-next-line react-hooks/exhaustive-deps -- load again only when the store changes
  }, [store.id])

  const act = async (work) => {
    setProblem(null)
    try {
      await work()
      await load()
    } catch (e) {
      setProblem(problemOf(e).message)
    }
  }
  const makeDefault = (layout) => act(() => officeApi.patch(`/api/layouts/${layout.id}`, { is_default: true }))
  const remove = (layout) => confirm(`Excluir o layout “${layout.name}”?`) && act(() => officeApi.del(`/api/layouts/${layout.id}`))

  return (
    <>
      <h1 class="screen-title">Layouts de impressão</h1>
      <p class="muted">Cada documento sai com o layout padrão do seu tipo; os outros podem ser escolhidos ao imprimir.</p>
      {(error || problem) && (
        <p class="notice notice-error" role="alert">
          {error || problem}
        </p>
      )}
      {!layouts && !error && <p role="status">Carregando os layouts…</p>}
      {layouts &&
        groupLayouts(layouts).map(([kind, label, items]) => (
          <section key={kind} class="card layout-kind" aria-labelledby={`kind-${kind}`} data-testid={`layouts-${kind}`}>
            <div class="screen-head">
              <h2 id={`kind-${kind}`}>{label}</h2>
              <a class="btn btn-small" href={`/escritorio/admin/layouts/novo?tipo=${kind}`}>
                Novo layout<span class="visually-hidden"> de {label}</span>
              </a>
            </div>
            {!items.length && <p class="muted">Nenhum layout.</p>}
            {items.length > 0 && (
              <table class="table layouts">
                <thead>
                  <tr>
                    <th scope="col" class="col-name">
                      Nome
                    </th>
                    <th scope="col" class="col-default">
                      Padrão
                    </th>
                    <th scope="col" class="col-date">
                      Alterado em
                    </th>
                    <th scope="col">
                      <span class="visually-hidden">Ações</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((layout) => (
                    <tr key={layout.id} data-testid="layout-row">
                      <td>
                        <a href={`/escritorio/admin/layouts/${layout.id}`}>{layout.name}</a>
                      </td>
                      <td>{layout.is_default ? <span class="chip chip-done">Padrão</span> : '—'}</td>
                      <td class="nowrap">{formatDateTime(layout.updated_at || layout.created_at, store.timezone)}</td>
                      <td>
                        <div class="row-actions">
                          <a class="btn btn-small" href={`/escritorio/admin/layouts/${layout.id}`} aria-label={`Editar ${layout.name}`}>
                            Editar
                          </a>
                          {!layout.is_default && (
                            <>
                              <button type="button" class="btn btn-small" onClick={() => makeDefault(layout)} aria-label={`Tornar ${layout.name} o padrão`}>
                                Tornar padrão
                              </button>
                              <button type="button" class="btn btn-small btn-danger" onClick={() => remove(layout)} aria-label={`Excluir ${layout.name}`}>
                                Excluir
                              </button>
                            </>
                          )}
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        ))}
    </>
  )
}
