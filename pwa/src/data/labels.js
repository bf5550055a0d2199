// pt-BR labels the server also uses, for records the phone creates or changes before a sync.
export const PAYERS = {
  store: 'Paga pela Loja',
  factory: 'Paga pela Fábrica',
  customer: 'Paga pelo Cliente',
  carrier: 'Paga pela Transportadora',
}
export const ACTIONS = { replace: 'Substituir', repair: 'Reparar', adjust: 'Ajustar' }
export const VISIT_STATUS = {
  scheduled: 'Agendado',
  confirmed: 'Confirmado',
  in_progress: 'Em andamento',
  done: 'Concluído',
  cancelled: 'Cancelado',
  rescheduled: 'Reagendado',
}
