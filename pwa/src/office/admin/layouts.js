// Layouts de impressão: the document kinds (the server's, in its order) and the layouts grouped under them.
import { choicesOf, labelOf } from '../../data/labels.js'

export const LAYOUT_KINDS = choicesOf('document_kind')

export const kindLabel = (kind) => labelOf('document_kind', kind)

/** [[kind, label, layouts (default first, then by name)]] for every kind, even one with none. */
export function groupLayouts(layouts) {
  return LAYOUT_KINDS.map(([kind, label]) => [
    kind,
    label,
    layouts.filter((l) => l.kind === kind).sort((a, b) => Number(b.is_default) - Number(a.is_default) || a.name.localeCompare(b.name, 'pt-BR') || a.id - b.id),
  ])
}

/** What changed in the editor against the saved layout (PATCH body; {} when nothing did). */
export function layoutPatch(saved, draft) {
  const patch = {}
  for (const key of ['name', 'html', 'css']) if (draft[key] !== saved[key]) patch[key] = key === 'name' ? draft.name.trim() : draft[key]
  return patch
}
