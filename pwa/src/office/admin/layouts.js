// Layouts de impressão: the document kinds (server/documents: KINDS) in the order the office
// thinks of them, and the layouts grouped under them.
export const LAYOUT_KINDS = [
  ['service_request', 'Solicitação de Assistência'],
  ['visit_report', 'Relatório de Visita'],
  ['parts_order', 'Pedido de Peças'],
]

export const kindLabel = (kind) => LAYOUT_KINDS.find(([k]) => k === kind)?.[1] || kind

/** [[kind, label, layouts (default first, then by name)]] for every kind, even one with none. */
export function groupLayouts(layouts) {
  return LAYOUT_KINDS.map(([kind, label]) => [
    kind,
    label,
    layouts
      .filter((l) => l.kind === kind)
      .sort((a, b) => Number(b.is_default) - Number(a.is_default) || a.name.localeCompare(b.name, 'pt-BR') || a.id - b.id),
  ])
}

/** What changed in the editor against the saved layout (PATCH body; {} when nothing did). */
export function layoutPatch(saved, draft) {
  const patch = {}
  for (const key of ['name', 'html', 'css']) if (draft[key] !== saved[key]) patch[key] = key === 'name' ? draft.name.trim() : draft[key]
  return patch
}
