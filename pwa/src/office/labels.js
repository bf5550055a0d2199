// pt-BR names the office shows for what the API's enums (data/labels.js) do not cover: timeline
// events and fields, the UFs, and the free-form Tipo de Agenda.
import { VISIT_STATUS } from '../data/labels.js'

export const EVENT_LABELS = {
  created: 'Assistência aberta',
  updated: 'Dados alterados',
  status_changed: 'Situação alterada',
  status_followed: 'Situação atualizada',
  occurrence_created: 'Ocorrência registrada',
  occurrence_updated: 'Ocorrência alterada',
  occurrence_deleted: 'Ocorrência excluída',
  item_added: 'Item adicionado',
  item_updated: 'Item alterado',
  item_removed: 'Item removido',
  order_created: 'Pedido gerado',
  order_updated: 'Pedido alterado',
  order_sent: 'Pedido enviado',
  order_received: 'Pedido recebido',
  order_cancelled: 'Pedido cancelado',
  appointment_created: 'Visita agendada',
  appointment_updated: 'Visita alterada',
  appointment_rescheduled: 'Visita reagendada',
  appointment_reassigned: 'Visita passada a outro técnico',
  appointment_cancelled: 'Visita cancelada',
  appointment_checked_in: 'Visita iniciada',
  appointment_checked_out: 'Visita concluída',
  document_email_queued: 'E-mail na fila de envio',
  document_email_sent: 'E-mail enviado',
  document_email_failed: 'Falha no envio de e-mail',
}

export const FIELD_LABELS = {
  status: 'Situação',
  status_reason: 'Motivo',
  reported_issue: 'Situação Alegada',
  access_notes: 'Instruções de acesso',
  service_address: 'Endereço do atendimento',
  contract_id: 'Contrato',
  assignee_id: 'Técnico responsável',
  assignee: 'Técnico',
  number: 'Número',
  due_at: 'Prazo',
  starts_at: 'Início',
  ends_at: 'Fim',
  notes: 'Observação do escritório',
  technician_notes: 'Observação do técnico',
  report: 'Relato',
}

export const UFS = 'AC AL AP AM BA CE DF ES GO MA MT MS MG PA PB PR PE PI RJ RN RS RO RR SC SP SE TO'.split(' ')

/** Tipo de Agenda (`calendar_type`): the case's Agendas tab lists only technical assistance; the calendar, all. */
export const CALENDAR_TYPES = [
  ['technical_assistance', 'Assistência Técnica'],
  ['assembly', 'Montagem'],
  ['measurement', 'Medição'],
  ['delivery', 'Entrega'],
  ['other', 'Outros'],
]
export const calendarTypeLabel = (code) => (CALENDAR_TYPES.find(([c]) => c === code) || [code, code])[1]

/** The Situação a new visit may be booked with. */
export const BOOKING_STATUSES = ['scheduled', 'confirmed'].map((code) => [code, VISIT_STATUS[code]])
