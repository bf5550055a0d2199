// Clientes: the store's customers found by name, CPF/CNPJ or phone (the API's cursor, 25 a page).
import { useEffect } from 'preact/hooks'
import { formatPhone } from '../../lib/format.js'
import { setSearch } from '../../lib/router.js'
import { formatDocument } from '../format.js'
import { ListStatus, MoreButton, SearchBox, queryValue, usePaged } from './paged.jsx'
import './records.css'

export function Customers({ search }) {
  const q = queryValue(search, 'busca')
  const list = usePaged(`/api/customers?limit=25${q ? `&q=${encodeURIComponent(q)}` : ''}`)
  useEffect(() => {
    document.title = 'Clientes — Assistec'
  }, [])
  return (
    <>
      <div class="screen-head">
        <h1 class="screen-title">Clientes</h1>
        <a class="btn" href="/escritorio/importar">
          Importar clientes e contratos
        </a>
      </div>
      <SearchBox label="Buscar por nome, CPF/CNPJ ou telefone" value={q} onSearch={(text) => setSearch(text ? `?busca=${encodeURIComponent(text)}` : '')} />
      <ListStatus list={list} one="cliente" many="clientes" />
      {list.items.length > 0 && (
        <div class="table-wrap">
          <table class="table" data-testid="customers">
            <caption class="visually-hidden">Clientes</caption>
            <thead>
              <tr>
                <th scope="col">Nome</th>
                <th scope="col">CPF/CNPJ</th>
                <th scope="col">Telefone</th>
                <th scope="col">Cidade</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((c) => (
                <tr key={c.id} data-testid="customer-row">
                  <td>
                    <a href={`/escritorio/clientes/${c.id}`}>{c.name}</a>
                    {c.assistance_only && <span class="muted small"> · só assistência</span>}
                  </td>
                  <td class="nowrap">{formatDocument(c.document) || '—'}</td>
                  <td class="nowrap">{c.phones.map(formatPhone).join(', ') || '—'}</td>
                  <td>{c.address ? `${c.address.city}/${c.address.state}` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {!list.loading && !list.error && !list.items.length && <p class="card empty">Nenhum cliente encontrado.</p>}
      <MoreButton list={list} />
    </>
  )
}
