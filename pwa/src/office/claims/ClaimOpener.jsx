// "Abrir reclamação" on a case's Ocorrências: its factory-paid items not yet claimed, one factory
// at a time, each with the outcome asked for; creates a draft claim and opens it.
import { useEffect, useState } from 'preact/hooks'
import { choicesOf } from '../../data/labels.js'
import { problemOf } from '../../data/problem.js'
import { navigate } from '../../lib/router.js'
import { officeApi } from '../api.js'
import { ProblemNotice } from '../fields.jsx'
import { claimableByFactory, money } from './claims.js'

export function ClaimOpener({ kase, occurrences }) {
  const [caseClaims, setCaseClaims] = useState(null)
  const [open, setOpen] = useState(false)
  const [factory, setFactory] = useState('')
  const [chosen, setChosen] = useState({}) // item id → outcome
  const [problem, setProblem] = useState(null)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    officeApi.get(`/api/cases/${kase.id}/claims`).then(setCaseClaims, () => setCaseClaims([]))
  }, [kase.id, occurrences])
  const groups = claimableByFactory(occurrences, caseClaims)
  const under = (caseClaims || []).filter((c) => c.claim_status !== 'closed')
  const claimsList = [...new Map(under.map((c) => [c.claim_id, c])).values()]
  const group = groups.find((g) => String(g.supplier_id) === factory) || groups[0]
  if (!caseClaims || (!groups.length && !claimsList.length)) return null

  async function create(event) {
    event.preventDefault()
    setBusy(true)
    setProblem(null)
    try {
      const items = group.items.filter((i) => chosen[i.id]).map((i) => ({ occurrence_item_id: i.id, outcome: chosen[i.id] }))
      const claim = await officeApi.post('/api/claims', { supplier_id: group.supplier_id, items })
      navigate(`/escritorio/reclamacoes/${claim.id}`)
    } catch (e) {
      setProblem(problemOf(e))
      setBusy(false)
    }
  }
  return (
    <section class="card" aria-labelledby="case-claims-title" data-testid="case-claims">
      <h2 id="case-claims-title">Reclamações à fábrica</h2>
      {claimsList.length > 0 && (
        <ul class="plain-list">
          {claimsList.map((c) => (
            <li key={c.claim_id}>
              <a href={`/escritorio/reclamacoes/${c.claim_id}`}>{c.claim_number}</a> · {c.supplier} · {c.claim_status_label}
            </li>
          ))}
        </ul>
      )}
      {groups.length > 0 && !open && (
        <button type="button" class="btn" onClick={() => setOpen(true)}>
          Abrir reclamação
        </button>
      )}
      {open && group && (
        <form class="form office-form" onSubmit={create} aria-label="Abrir reclamação" data-testid="claim-opener">
          <ProblemNotice problem={problem} shown={[]} />
          <label>
            Fábrica
            <select value={String(group.supplier_id)} onChange={(e) => (setFactory(e.currentTarget.value), setChosen({}))}>
              {groups.map((g) => (
                <option key={g.supplier_id} value={String(g.supplier_id)}>
                  {g.supplier}
                </option>
              ))}
            </select>
          </label>
          <table class="table">
            <thead>
              <tr>
                <th scope="col">Incluir</th>
                <th scope="col">Item</th>
                <th scope="col">Valor</th>
                <th scope="col">Resultado pedido</th>
              </tr>
            </thead>
            <tbody>
              {group.items.map((item) => (
                <tr key={item.id}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Incluir ${item.description}`}
                      checked={Boolean(chosen[item.id])}
                      onChange={(e) => setChosen({ ...chosen, [item.id]: e.currentTarget.checked ? 'replacement_part' : undefined })}
                    />
                  </td>
                  <td>
                    {item.code ? `${item.code} — ` : ''}
                    {item.description}
                  </td>
                  <td class="money">{money(item.total)}</td>
                  <td>
                    <select
                      aria-label={`Resultado pedido para ${item.description}`}
                      value={chosen[item.id] || 'replacement_part'}
                      disabled={!chosen[item.id]}
                      onChange={(e) => setChosen({ ...chosen, [item.id]: e.currentTarget.value })}
                    >
                      {choicesOf('claim_outcome').map(([value, label]) => (
                        <option key={value} value={value}>
                          {label}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="form-actions">
            <button type="button" class="btn btn-ghost" onClick={() => setOpen(false)}>
              Cancelar
            </button>
            <button type="submit" class="btn btn-primary" disabled={busy || !group.items.some((i) => chosen[i.id])}>
              {busy ? 'Criando…' : 'Criar reclamação (rascunho)'}
            </button>
          </div>
        </form>
      )}
    </section>
  )
}
