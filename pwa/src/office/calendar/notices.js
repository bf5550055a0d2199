// Whether the technician was told about a visit (GET /api/appointments/<id>/notifications, asked
// only when a visit's detail opens): the newest notice to the visit's current technician decides.
import { formatDateTime } from '../../lib/format.js'

export const NOTICE_KINDS = {
  assigned: 'Nova visita',
  rescheduled: 'Visita reagendada',
  reassigned_away: 'Visita passada a outro técnico',
  cancelled: 'Visita cancelada',
}

export const NOTICE_STATUS = {
  sent: 'Enviada',
  pending: 'Na fila de envio',
  no_devices: 'Técnico sem notificações ativadas',
  gone: 'Aparelho não recebe mais notificações',
  replaced: 'Substituída por um aviso mais novo',
  failed: 'Falhou',
}

/** {state, text} for the visit's technician: notified (when), waiting, or why not. */
export function noticeSummary(notices, assigneeId, timeZone) {
  const mine = (notices || []).filter((n) => n.recipient?.id === assigneeId)
  const last = mine[mine.length - 1]
  if (!last) return { state: 'none', text: 'Nenhuma notificação enviada ao técnico sobre esta visita.' }
  const kind = NOTICE_KINDS[last.kind] || last.kind
  switch (last.status) {
    case 'sent':
      return { state: 'sent', text: `Técnico notificado em ${formatDateTime(last.sent_at, timeZone)} (${kind.toLowerCase()}).` }
    case 'pending':
      return { state: 'pending', text: `Notificação na fila de envio (${kind.toLowerCase()}).` }
    case 'no_devices':
      return { state: 'no_devices', text: 'Técnico sem notificações ativadas: avise-o por telefone. A visita aparece na agenda dele ao sincronizar.' }
    case 'gone':
      return { state: 'gone', text: 'O aparelho do técnico deixou de receber notificações: avise-o por telefone.' }
    case 'replaced':
      return { state: 'replaced', text: 'Aviso substituído por outro mais novo antes de ser entregue.' }
    default:
      return { state: 'failed', text: 'Não foi possível notificar o técnico: avise-o por telefone.' }
  }
}
