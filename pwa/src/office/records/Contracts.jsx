// Contratos: the store's contracts found by number or customer (the API's cursor, 25 a page).
import { useEffect } from 'preact/hooks'
import { formatDate } from '../../lib/format.js'
import { setSearch } from '../../lib/router.js'
import { ListStatus, MoreButton, SearchBox, queryValue, usePaged } from './paged.jsx'
import './records.css'

export function Contracts({ search }) {
  const q = queryValue(search, 'busca')
  const list = usePaged(`/api/contracts?limit=25${q ? `&q=${encodeURIComponent(q)}` : ''}`)
  useEffect(() => {
    document.title = 'Contratos — Assistec'
  }, [])
  return (
    <>
      <div class="screen-head">
        <h1 class="screen-title">Contratos</h1>
        <a class="btn" href="/escritorio/importar">
          Importar
        </a>
        <a class="btn btn-primary" href="/escritorio/contratos/novo">
          Novo contrato
        </a>
      </div>
      <SearchBox label="Buscar por número ou cliente" value={q} onSearch={(text) => setSearch(text ? `?busca=${encodeURIComponent(text)}` : '')} />
      <ListStatus list={list} one="contrato" many="contratos" />
      {list.items.length > 0 && (
        <div class="table-wrap">
          <table class="table" data-testid="contracts">
            <caption class="visually-hidden">Contratos</caption>
            <thead>
              <tr>
                <th scope="col">Número</th>
                <th scope="col">Cliente</th>
                <th scope="col">Entrega</th>
                <th scope="col">Itens</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((c) => (
                <tr key={c.id} data-testid="contract-row">
                  <td>
                    <a href={`/escritorio/contratos/${c.id}`}>{c.number}</a>
                  </td>
                  <td>
                    <a href={`/escritorio/clientes/${c.customer_id}`}>{c.customer.name}</a>
                  </td>
                  <td class="nowrap">{c.delivery_date ? formatDate(`${c.delivery_date}T12:00:00Z`) : '—'}</td>
                  <td>{c.items.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {!list.loading && !list.error && !list.items.length && <p class="card empty">Nenhum contrato encontrado.</p>}
      <MoreButton list={list} />
    </>
  )
}
