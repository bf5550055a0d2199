// The Pedidos tab's data: which items can still go on an order, how the server will group them
// (one order per supplier and payer — shown before generating, the server decides; labour and
// items without a supplier never go on one), and the status moves an order allows.
import { PAYERS } from '../../data/labels.js'

/** The case's items not on an order, each with its occurrence's payer and type. */
export function freeItems(occurrences) {
  return occurrences.flatMap((o) =>
    (o.items || [])
      .filter((i) => i.order_id == null)
      .map((i) => ({ ...i, payer: o.payer, payer_label: o.payer_label || PAYERS[o.payer], occurrence_type: o.occurrence_type?.name })),
  )
}

/** Why an item cannot go on a parts order (labour, or no supplier yet), or '' when it can. */
export function notOrderable(item) {
  if (!(item.is_part ?? item.action === 'replace')) return 'Mão de obra: não entra em pedido'
  if (item.supplier_id == null) return 'Defina o fornecedor'
  return ''
}

/** The orders "Gerar pedidos" would make of these items: one per supplier and payer. */
export function orderGroups(items) {
  const groups = new Map()
  for (const item of items) {
    const key = `${item.supplier_id}|${item.payer}`
    if (!groups.has(key)) groups.set(key, { supplier: item.supplier || null, payer: item.payer, items: [] })
    groups.get(key).items.push(item)
  }
  return [...groups.values()]
}

/** What an order can move to, with the button's text: draft → sent → received; cancel from draft or sent. */
export const ORDER_MOVES = {
  draft: [['sent', 'Marcar como enviado']],
  sent: [['received', 'Marcar como recebido']],
  received: [],
  cancelled: [],
}
export const cancellable = (order) => order.status === 'draft' || order.status === 'sent'

/** Sum of decimal strings ("129.90") in cents, exact. */
export function sumMoney(values) {
  const cents = values.reduce((acc, v) => {
    if (v == null || v === '') return acc
    const [whole, frac = ''] = String(v).split('.')
    const sign = whole.startsWith('-') ? -1 : 1
    return acc + sign * (Math.abs(Number(whole)) * 100 + Number((frac + '00').slice(0, 2)))
  }, 0)
  return (cents / 100).toFixed(2)
}
