// Pedidos: the case's parts orders with their items and totals, and "Gerar pedidos" from the
// items not on an order yet (the server makes one order per supplier and payer). Status moves
// are those the API allows: draft → sent → received, or cancelled with a reason.
import { useRef, useState } from 'preact/hooks'
import { formatDateTime, formatMoney } from '../../lib/format.js'
import { formatQuantity } from '../format.js'
import { officeApi } from '../api.js'
import { problemOf } from '../../data/problem.js'
import { ProblemNotice } from '../fields.jsx'
import { SupplierPicker } from '../suppliers/SupplierPicker.jsx'
import { Loading, NO_PROBLEM, useLoad } from './common.jsx'
import { cancellable, freeItems, notOrderable, ORDER_MOVES, orderGroups, sumMoney } from './orders.js'

const STATUS_CHIP = { draft: 'chip-scheduled', sent: 'chip-in_progress', received: 'chip-done', cancelled: 'chip-cancelled' }

function FreeItems({ kase, items, onGenerated }) {
  const orderable = items.filter((i) => !notOrderable(i))
  const [chosen, setChosen] = useState(() => new Set(orderable.map((i) => i.id)))
  const [toCustomer, setToCustomer] = useState(false)
  const [problem, setProblem] = useState(NO_PROBLEM)
  const [busy, setBusy] = useState(false)
  const summary = useRef(null)
  const picked = orderable.filter((i) => chosen.has(i.id))
  const groups = orderGroups(picked)
  const toggle = (id) => {
    const next = new Set(chosen)
    next.has(id) ? next.delete(id) : next.add(id)
    setChosen(next)
  }
  const all = orderable.length > 0 && picked.length === orderable.length

  async function generate() {
    setBusy(true)
    setProblem(NO_PROBLEM)
    try {
      const orders = await officeApi.post(`/api/cases/${kase.id}/orders`, { item_ids: picked.map((i) => i.id), deliver_to_customer: toCustomer })
      onGenerated(orders)
    } catch (error) {
      setProblem(problemOf(error))
      setBusy(false)
      requestAnimationFrame(() => summary.current?.focus())
    }
  }

  return (
    <section class="card" aria-labelledby="free-title" data-testid="free-items">
      <h2 id="free-title">Itens sem pedido ({items.length})</h2>
      <ProblemNotice problem={problem} noticeRef={summary} />
      <div class="table-wrap">
        <table class="table">
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label="Selecionar todos os itens"
                  checked={all}
                  disabled={!orderable.length}
                  onChange={() => setChosen(all ? new Set() : new Set(orderable.map((i) => i.id)))}
                />
              </th>
              <th scope="col">Item</th>
              <th scope="col" class="num">
                Qtd.
              </th>
              <th scope="col">Fornecedor</th>
              <th scope="col">Modalidade</th>
              <th scope="col" class="num">
                Total
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id} data-testid="free-item" class={notOrderable(item) ? 'is-muted' : undefined}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Incluir ${item.description}`}
                    checked={chosen.has(item.id)}
                    disabled={Boolean(notOrderable(item))}
                    aria-describedby={notOrderable(item) ? `why-${item.id}` : undefined}
                    onChange={() => toggle(item.id)}
                  />
                </td>
                <td>
                  {item.description}
                  {item.code && <span class="muted"> · {item.code}</span>}
                </td>
                <td class="num nowrap">{formatQuantity(item)}</td>
                <td>
                  {item.supplier || <span class="muted">a definir</span>}
                  {notOrderable(item) && (
                    <span class="muted why-not" id={`why-${item.id}`}>
                      {notOrderable(item)}
                    </span>
                  )}
                </td>
                <td>{item.payer_label}</td>
                <td class="num">{formatMoney(item.total) || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <label class="order-deliver">
        <input type="checkbox" checked={toCustomer} onChange={(e) => setToCustomer(e.currentTarget.checked)} /> Entregar no endereço do cliente (senão, na loja)
      </label>
      <div class="actions">
        <button type="button" class="btn btn-primary" disabled={busy || !picked.length} onClick={generate}>
          {busy ? 'Gerando…' : 'Gerar pedidos'}
        </button>
        <span class="muted" role="status">
          {picked.length
            ? `${picked.length} item(ns) → ${groups.length === 1 ? '1 pedido' : `${groups.length} pedidos`} (um por fornecedor e modalidade)`
            : orderable.length
              ? 'Selecione os itens.'
              : 'Nenhuma peça com fornecedor para pedir: mão de obra e itens sem fornecedor não entram em pedidos.'}
        </span>
      </div>
    </section>
  )
}

function OrderCard({ order, storeId, timeZone, onChanged }) {
  const [problem, setProblem] = useState(NO_PROBLEM)
  const [busy, setBusy] = useState(false)
  const [cancelling, setCancelling] = useState(false)
  const [reason, setReason] = useState('')

  async function change(body, path = `/api/orders/${order.id}`, method = 'patch') {
    setBusy(true)
    setProblem(NO_PROBLEM)
    try {
      const updated = await officeApi[method](path, body)
      setCancelling(false)
      onChanged(updated)
    } catch (error) {
      setProblem(problemOf(error))
    }
    setBusy(false)
  }

  const cancel = (event) => {
    event.preventDefault()
    change({ reason }, `/api/orders/${order.id}/cancel`, 'post')
  }

  return (
    <article class="card order" aria-labelledby={`order-${order.id}`} data-testid="order">
      <header class="occurrence-head">
        <h3 id={`order-${order.id}`}>{order.number}</h3>
        <span class={`chip ${STATUS_CHIP[order.status] || ''}`} data-testid="order-status">
          {order.status_label}
        </span>
        <span class="muted">
          {order.supplier_label} · {order.payer_label}
        </span>
      </header>
      <ProblemNotice problem={problem} shown={['supplier_id']} testId="order-problem" />
      {order.status === 'draft' ? (
        <div class="grid form order-draft">
          <SupplierPicker
            storeId={storeId}
            label="Fornecedor do pedido"
            path={`order-${order.id}.supplier_id`}
            errors={{ [`order-${order.id}.supplier_id`]: problem.fields?.supplier_id }}
            value={order.supplier_id ? String(order.supplier_id) : ''}
            current={order.supplier_label}
            onChange={(e) => e.currentTarget.value && change({ supplier_id: Number(e.currentTarget.value) })}
            class="span-3"
          />
          <label class="check span-3 order-draft-deliver">
            <input
              type="checkbox"
              checked={order.deliver_to_customer}
              disabled={busy}
              onChange={(e) => change({ deliver_to_customer: e.currentTarget.checked })}
            />{' '}
            Entregar no endereço do cliente
          </label>
        </div>
      ) : (
        <p class="muted">Entrega: {order.deliver_to_customer ? 'no endereço do cliente' : 'na loja'}</p>
      )}
      <div class="table-wrap">
        <table class="table">
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col" class="num">
                Qtd.
              </th>
              <th scope="col" class="num">
                Custo unit.
              </th>
              <th scope="col" class="num">
                Total
              </th>
            </tr>
          </thead>
          <tbody>
            {order.items.map((item) => (
              <tr key={item.id}>
                <td>
                  {item.description}
                  {item.code && <span class="muted"> · {item.code}</span>}
                </td>
                <td class="num nowrap">{formatQuantity(item)}</td>
                <td class="num">{formatMoney(item.unit_cost) || '—'}</td>
                <td class="num">{formatMoney(item.total) || '—'}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={3}>
                Total{order.items_without_cost > 0 && <span class="muted"> ({order.items_without_cost} sem custo)</span>}
              </th>
              <td class="num" data-testid="order-total">
                {formatMoney(order.total)}
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
      <p class="muted order-dates">
        Gerado em {formatDateTime(order.created_at, timeZone)}
        {order.sent_at && ` · enviado em ${formatDateTime(order.sent_at, timeZone)}`}
        {order.received_at && ` · recebido em ${formatDateTime(order.received_at, timeZone)}`}
        {order.cancelled_at && ` · cancelado em ${formatDateTime(order.cancelled_at, timeZone)}: ${order.cancel_reason}`}
      </p>
      {(ORDER_MOVES[order.status]?.length > 0 || cancellable(order)) && !cancelling && (
        <div class="actions">
          {ORDER_MOVES[order.status].map(([status, label]) => (
            <button key={status} type="button" class="btn btn-small" disabled={busy} onClick={() => change({ status })}>
              {label}
            </button>
          ))}
          {cancellable(order) && (
            <button type="button" class="btn btn-small btn-danger" disabled={busy} onClick={() => setCancelling(true)}>
              Cancelar pedido
            </button>
          )}
        </div>
      )}
      {cancelling && (
        <form class="form inline-form" onSubmit={cancel}>
          <label for={`cancel-${order.id}`}>
            Motivo do cancelamento
            <input id={`cancel-${order.id}`} value={reason} onInput={(e) => setReason(e.currentTarget.value)} required />
          </label>
          <div class="actions">
            <button type="button" class="btn btn-ghost btn-small" onClick={() => setCancelling(false)}>
              Voltar
            </button>
            <button type="submit" class="btn btn-danger btn-small" disabled={busy || !reason.trim()}>
              Confirmar cancelamento
            </button>
          </div>
        </form>
      )}
    </article>
  )
}

export function Orders({ kase, timeZone, onCaseChanged }) {
  const [{ data, error }, reload] = useLoad([`/api/cases/${kase.id}/orders`, `/api/cases/${kase.id}/occurrences`], [kase.id])
  const [notice, setNotice] = useState('')
  if (!data) return <Loading error={error} what="os pedidos" />
  const [orders, occurrences] = data
  const free = freeItems(occurrences)
  const live = orders.filter((o) => o.status !== 'cancelled')

  async function generated(created) {
    setNotice(created.length === 1 ? `Pedido ${created[0].number} gerado.` : `${created.length} pedidos gerados: ${created.map((o) => o.number).join(', ')}.`)
    await reload()
    onCaseChanged()
  }
  async function changed(order) {
    setNotice(`Pedido ${order.number}: ${order.status_label.toLowerCase()}.`)
    await reload()
    onCaseChanged()
  }

  return (
    <div class="case-orders">
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {/* keyed by the free items, so the selection starts over when they change */}
      {free.length > 0 && <FreeItems key={free.map((i) => i.id).join()} kase={kase} items={free} onGenerated={generated} />}
      <div class="section-head">
        <h2>Pedidos ({orders.length})</h2>
        <span class="muted" data-testid="orders-total">
          Em aberto e recebidos: {formatMoney(sumMoney(live.map((o) => o.total)))}
        </span>
      </div>
      {orders.length === 0 && <p class="muted">Nenhum pedido gerado. {free.length === 0 && 'Registre itens nas ocorrências para gerar pedidos.'}</p>}
      {orders.map((order) => (
        <OrderCard key={order.id} order={order} storeId={kase.store_id} timeZone={timeZone} onChanged={changed} />
      ))}
    </div>
  )
}
