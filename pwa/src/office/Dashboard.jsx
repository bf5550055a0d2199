// Painel: what the office must see at a glance — counts (each a link to the filtered list),
// today's visits per technician, this month's costs by payer and the weekly trend. One request.
import { useEffect, useState } from 'preact/hooks'
import { formatMoney, formatTime } from '../lib/format.js'
import { officeApi } from './api.js'
import { problemOf } from '../data/problem.js'
import { PAYERS } from '../data/labels.js'
import { WeeklyChart } from './WeeklyChart.jsx'

const TILES = [
  ['open', 'Abertas', '?situacao=open'],
  ['scheduled', 'Agendadas', '?situacao=scheduled'],
  ['in_service', 'Em atendimento', '?situacao=in_service'],
  ['pending', 'Com pendências', '?situacao=pending'],
  ['overdue', 'Atrasadas', '?atrasadas=1&ordem=prazo'],
  ['due_soon', 'Vencem em 7 dias', '?vencendo=1&ordem=prazo'],
]

function monthName(month) {
  const [year, number] = month.split('-').map(Number)
  return new Intl.DateTimeFormat('pt-BR', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(year, number - 1, 15))
}

export function Dashboard({ timeZone }) {
  const [data, setData] = useState(null)
  const [error, setError] = useState(null)
  useEffect(() => {
    officeApi.get('/api/dashboard').then(setData, (e) => setError(problemOf(e).message))
  }, [])

  if (error)
    return (
      <p class="notice notice-error" role="alert">
        {error}
      </p>
    )
  if (!data) return <p role="status">Carregando o painel…</p>
  const { counts, visits_today: days, costs_month: costs } = data
  return (
    <>
      <h1 class="screen-title">Painel</h1>
      <section aria-labelledby="counts-title">
        <h2 id="counts-title" class="visually-hidden">
          Assistências por situação
        </h2>
        <ul class="tiles plain">
          {TILES.map(([key, label, query]) => (
            <li key={key}>
              <a class={`tile tile-${key}`} href={`/escritorio/assistencias${query}`} data-testid={`count-${key}`}>
                <span class="tile-value">{counts[key]}</span>
                <span class="tile-label">{label}</span>
              </a>
            </li>
          ))}
        </ul>
      </section>
      <div class="dashboard-grid">
        <section class="card" aria-labelledby="visits-title">
          <h2 id="visits-title">Visitas de hoje por técnico</h2>
          {!days.length && <p class="muted">Nenhuma visita marcada para hoje.</p>}
          {days.map((day) => (
            <div key={day.technician.id} class="tech-day" data-testid="tech-day">
              <h3>
                {day.technician.name}{' '}
                <span class="muted small">
                  {day.total} {day.total === 1 ? 'visita' : 'visitas'}, {day.done} {day.done === 1 ? 'concluída' : 'concluídas'}
                </span>
              </h3>
              <ul class="plain tech-visits">
                {day.visits.map((v) => (
                  <li key={v.id}>
                    <span class="visit-time">
                      {formatTime(v.starts_at, timeZone)}–{formatTime(v.ends_at, timeZone)}
                    </span>{' '}
                    <a href={`/escritorio/assistencias/${v.case_id}`}>{v.case_number}</a> {v.customer_name}{' '}
                    <span class={`chip chip-${v.status}`}>{v.status_label}</span>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
        <section class="card" aria-labelledby="costs-title">
          <h2 id="costs-title">Custos de {monthName(costs.month)} por pagador</h2>
          <table class="table costs">
            <caption class="visually-hidden">Custos dos itens das ocorrências registradas no mês, por pagador</caption>
            <tbody>
              {Object.entries(PAYERS).map(([payer, label]) => (
                <tr key={payer}>
                  <th scope="row">{label}</th>
                  <td class="num">{formatMoney(costs.by_payer[payer])}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Total</th>
                <td class="num" data-testid="costs-total">
                  {formatMoney(costs.total)}
                </td>
              </tr>
            </tfoot>
          </table>
          {costs.items_without_cost > 0 && (
            <p class="muted small">
              {costs.items_without_cost} {costs.items_without_cost === 1 ? 'item ainda sem custo' : 'itens ainda sem custo'}.
            </p>
          )}
        </section>
        <section class="card span-all" aria-labelledby="chart-heading">
          <h2 id="chart-heading">Abertas × finalizadas nas últimas 8 semanas</h2>
          <WeeklyChart weeks={data.weekly} />
        </section>
      </div>
    </>
  )
}
