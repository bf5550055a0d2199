// Cadastros auxiliares: the catalogs the API keeps per store (server/catalogs: CatalogKind), with
// the pt-BR names and the URL slug of each.
export const CATALOGS = [
  { slug: 'tipos-de-ocorrencia', kind: 'occurrence_types', title: 'Tipos de ocorrência', one: 'tipo de ocorrência' },
  { slug: 'situacoes-da-ocorrencia', kind: 'occurrence_statuses', title: 'Situações da ocorrência', one: 'situação da ocorrência' },
  { slug: 'tipos-de-compromisso', kind: 'appointment_types', title: 'Tipos de compromisso', one: 'tipo de compromisso' },
  { slug: 'ambientes', kind: 'rooms', title: 'Ambientes', one: 'ambiente' },
  { slug: 'linhas-de-produto', kind: 'product_lines', title: 'Linhas de produto', one: 'linha de produto' },
]

export const catalogBySlug = (slug) => CATALOGS.find((c) => c.slug === slug) || null

/** Active entries first (in their order), then the retired ones. */
export function sortEntries(entries) {
  return [...entries].sort((a, b) => Number(b.active) - Number(a.active) || a.position - b.position || a.id - b.id)
}
