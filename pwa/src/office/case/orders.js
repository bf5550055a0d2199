// The Pedidos tab's data: which items can still go on an order, how the server will group them
// (one order per supplier and payer — shown before generating, the server decides), and the
// status moves an order allows.
import { PAYER_OPTIONS } from './occurrences.js'

const PAYER_NAMES = Object.fromEntries(PAYER_OPTIONS)

/** The case's items not on an order, each with its occurrence's payer and type. */
export function freeItems(occurrences) {
  return occurrences.flatMap((o) =>
    (o.items || []).filter((i) => i.order_id == null).map((i) => ({ ...i, payer: o.payer, payer_label: o.payer_label || PAYER_NAMES[o.payer], occurrence_type: o.occurrence_type?.name })),
  )
}

/** As the server folds suppliers: other capitals, accents or spacing are the same supplier. */
const supplierKey = (supplier) =>
  (supplier || '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLocaleLowerCase('pt-BR')
    .split(/\s+/)
    .filter(Boolean)
    .join(' ') || null

/** The orders "Gerar pedidos" would make of these items: one per supplier and payer. */
export function orderGroups(items) {
  const groups = new Map()
  for (const item of items) {
    const key = `${supplierKey(item.supplier)}|${item.payer}`
    if (!groups.has(key)) groups.set(key, { supplier: item.supplier?.trim().split(/\s+/).join(' ') || null, payer: item.payer, items: [] })
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
