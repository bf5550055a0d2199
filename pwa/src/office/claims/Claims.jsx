// Reclamações: the board per factory (open claims, the oldest waiting, mean days to answer,
// acceptance rate, the money claimed / accepted / received / outstanding, claims waiting longer
// than the factory's answer time flagged) and the list of claims, newest first, 50 a page (the
// API's cursor: "Carregar mais" asks for the next).
import { useEffect, useState } from 'preact/hooks'
import { labelOf } from '../../data/labels.js'
import { problemOf } from '../../data/problem.js'
import { setSearch } from '../../lib/router.js'
import { officeApi } from '../api.js'
import { ListStatus, MoreButton, usePaged } from '../records/paged.jsx'
import { day, money, percent } from './claims.js'
import '../records/records.css'

function Board({ board }) {
  if (!board.factories.length) return <p class="card empty">Nenhuma reclamação enviada ainda.</p>
  return (
    <div class="table-wrap">
      <table class="table" data-testid="claims-board">
        <caption class="visually-hidden">Painel por fábrica</caption>
        <thead>
          <tr>
            <th scope="col">Fábrica</th>
            <th scope="col">Abertas</th>
            <th scope="col">Mais antiga aguardando</th>
            <th scope="col">Média de resposta</th>
            <th scope="col">Aceitação</th>
            <th scope="col" class="money">
              Reclamado
            </th>
            <th scope="col" class="money">
              Aceito
            </th>
            <th scope="col" class="money">
              Recebido
            </th>
            <th scope="col" class="money">
              A receber
            </th>
            <th scope="col">Atrasadas</th>
          </tr>
        </thead>
        <tbody>
          {board.factories.map((row) => (
            <tr key={row.supplier.id} data-testid="board-row">
              <th scope="row" class="board-factory">
                {row.supplier.name}
              </th>
              <td>{row.open_claims}</td>
              <td>{row.oldest_waiting_since ? `${day(row.oldest_waiting_since)} (${row.oldest_waiting_days} dias)` : '—'}</td>
              <td>{row.mean_days_to_answer == null ? '—' : `${String(row.mean_days_to_answer).replace('.', ',')} dias`}</td>
              <td>{percent(row.acceptance_rate)}</td>
              <td class="money">{money(row.claimed)}</td>
              <td class="money">{money(row.accepted)}</td>
              <td class="money">{money(row.received)}</td>
              <td class="money" data-testid="board-outstanding">
                {money(row.outstanding)}
              </td>
              <td>
                {row.overdue.length === 0
                  ? '—'
                  : row.overdue.map((o) => (
                      <div key={o.id} class="board-overdue">
                        <a href={`/escritorio/reclamacoes/${o.id}`}>{o.number}</a> há {o.days_waiting} dias (prazo {row.claim_answer_days})
                      </div>
                    ))}
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={5}>
              Total
            </th>
            <td class="money">{money(board.totals.claimed)}</td>
            <td class="money">{money(board.totals.accepted)}</td>
            <td class="money">{money(board.totals.received)}</td>
            <td class="money">{money(board.totals.outstanding)}</td>
            <td />
          </tr>
        </tfoot>
      </table>
    </div>
  )
}

export function Claims({ search, timeZone }) {
  const onlyOpen = new URLSearchParams(search).get('abertas') !== '0'
  const [board, setBoard] = useState(null)
  const [error, setError] = useState('')
  const list = usePaged(`/api/claims?limit=50${onlyOpen ? '&open=true' : ''}`)
  useEffect(() => {
    document.title = 'Reclamações — Assistec'
    officeApi.get('/api/claims/board').then(setBoard, (e) => setError(problemOf(e).message))
  }, [])
  return (
    <>
      <div class="screen-head">
        <h1 class="screen-title">Reclamações à fábrica</h1>
      </div>
      {error && (
        <p class="notice notice-error" role="alert">
          {error}
        </p>
      )}
      <section class="card" aria-labelledby="board-title">
        <h2 id="board-title">Painel por fábrica</h2>
        {board ? <Board board={board} /> : <p role="status">Carregando…</p>}
      </section>
      <section class="card" aria-labelledby="claims-list-title">
        <div class="section-head">
          <h2 id="claims-list-title">Reclamações</h2>
          <label class="check">
            <input type="checkbox" checked={onlyOpen} onChange={(e) => setSearch(e.currentTarget.checked ? '' : '?abertas=0')} /> Só as abertas
          </label>
        </div>
        {list.loading || list.error || list.items.length ? (
          <ListStatus list={list} one="reclamação" many="reclamações" />
        ) : (
          <p class="muted" role="status">
            {onlyOpen ? 'Nenhuma reclamação aberta.' : 'Nenhuma reclamação.'} Abra uma pela aba Ocorrências de uma assistência.
          </p>
        )}
        {list.items.length > 0 && (
          <div class="table-wrap">
            <table class="table" data-testid="claims">
              <thead>
                <tr>
                  <th scope="col">Número</th>
                  <th scope="col">Fábrica</th>
                  <th scope="col">Situação</th>
                  <th scope="col">Enviada em</th>
                  <th scope="col">Assistências</th>
                  <th scope="col" class="money">
                    Reclamado
                  </th>
                  <th scope="col" class="money">
                    Saldo
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((c) => (
                  <tr key={c.id} data-testid="claim-row">
                    <td>
                      <a href={`/escritorio/reclamacoes/${c.id}`}>{c.number}</a>
                    </td>
                    <td>{c.supplier.name}</td>
                    <td>{c.status_label || labelOf('claim_status', c.status)}</td>
                    <td>{c.sent_at ? day(new Date(c.sent_at).toLocaleDateString('sv-SE', { timeZone })) : '—'}</td>
                    <td>{[...new Set(c.items.map((i) => i.case_number))].join(', ')}</td>
                    <td class="money">{money(c.claimed)}</td>
                    <td class="money">{money(c.balance)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <MoreButton list={list} />
      </section>
    </>
  )
}
