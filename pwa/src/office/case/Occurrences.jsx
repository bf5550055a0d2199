// Ocorrências: what the visits found (type, room, payer, status, items, photos) and the cost
// summary by payer; the office can file one too, edit one or delete one (not while any of its
// items is on a parts order: the server refuses, and the card says why). Two requests for the tab (occurrences, costs);
// the form's catalogs load when it opens.
import { useState } from 'preact/hooks'
import { formatDate, formatMoney } from '../../lib/format.js'
import { formatQuantity } from '../format.js'
import { officeApi } from '../api.js'
import { problemOf } from '../../data/problem.js'
import { catalogPath, FactsRow, Loading, useLoad } from './common.jsx'
import { OccurrenceForm } from './OccurrenceForm.jsx'
import { ClaimOpener } from '../claims/ClaimOpener.jsx'
import { costRows, mine, photosOf, resolution, signatureOf } from './occurrences.js'
import { PhotoUpload } from './PhotoUpload.jsx'
import { PhotoViewer } from './PhotoViewer.jsx'

const CATALOGS = ['occurrence_types', 'occurrence_statuses', 'rooms', 'product_lines']

function Items({ items }) {
  if (!items.length) return <p class="muted">Sem itens.</p>
  return (
    <div class="table-wrap">
      <table class="table occ-items">
        <thead>
          <tr>
            <th scope="col">Descrição</th>
            <th scope="col">Código</th>
            <th scope="col" class="num">
              Qtd.
            </th>
            <th scope="col">Ação</th>
            <th scope="col">Fornecedor</th>
            <th scope="col" class="num">
              Custo unit.
            </th>
            <th scope="col" class="num">
              Total
            </th>
            <th scope="col">Pedido</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id} data-testid="occurrence-item">
              <td>
                {item.description}
                {item.contract_item_id != null && <span class="muted small"> · item do contrato</span>}
              </td>
              <td>{item.code || '—'}</td>
              <td class="num nowrap">{formatQuantity(item)}</td>
              <td>{item.action_label}</td>
              <td>{item.supplier || '—'}</td>
              <td class="num">{formatMoney(item.unit_cost) || '—'}</td>
              <td class="num">{formatMoney(item.total) || '—'}</td>
              <td>{item.order_id ? 'Sim' : 'Não'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function Photos({ occurrence, title, onUploaded }) {
  const [open, setOpen] = useState(null)
  const photos = photosOf(occurrence)
  const signature = signatureOf(occurrence)
  return (
    <div class="occ-photos">
      {photos.length > 0 && (
        <ul class="thumbs" aria-label="Fotos">
          {photos.map((photo, n) => (
            <li key={photo.id}>
              <button type="button" class="thumb" onClick={() => setOpen(n)} aria-label={`Ver foto ${n + 1} de ${photos.length}`} data-testid="photo-thumb">
                <img src={`/api/attachments/${photo.id}/thumbnail`} alt="" loading="lazy" width="96" height="96" />
              </button>
            </li>
          ))}
        </ul>
      )}
      {signature && (
        <figure class="occ-signature">
          <img
            src={`/api/attachments/${signature.id}/thumbnail`}
            alt={`Assinatura${signature.signer_name ? ` de ${signature.signer_name}` : ''}`}
            height="64"
          />
          <figcaption class="muted">Assinatura{signature.signer_name ? `: ${signature.signer_name}` : ''}</figcaption>
        </figure>
      )}
      <PhotoUpload occurrence={occurrence} onUploaded={onUploaded} />
      {open != null && <PhotoViewer photos={photos} index={open} onIndex={setOpen} onClose={() => setOpen(null)} title={title} />}
    </div>
  )
}

function DeleteOccurrence({ occurrence, title, onDeleted }) {
  const [asking, setAsking] = useState(false)
  const [error, setError] = useState('')
  const ordered = occurrence.items.some((i) => i.order_id)
  async function confirm() {
    try {
      await officeApi.del(`/api/occurrences/${occurrence.id}`)
      onDeleted()
    } catch (e) {
      setError(problemOf(e).message)
      setAsking(false)
    }
  }
  if (ordered) return <p class="muted">Itens em pedido de peças: a ocorrência não pode ser excluída.</p>
  return (
    <>
      {error && (
        <p class="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {asking ? (
        <div class="occ-confirm" role="group" aria-label={`Excluir ${title}`}>
          <span>Excluir esta ocorrência e seus itens?</span>
          <button type="button" class="btn btn-danger btn-small" onClick={confirm}>
            Confirmar exclusão
          </button>
          <button type="button" class="btn btn-ghost btn-small" onClick={() => setAsking(false)}>
            Não excluir
          </button>
        </div>
      ) : (
        <button type="button" class="btn btn-ghost btn-small" onClick={() => setAsking(true)} aria-label={`Excluir ${title}`}>
          Excluir
        </button>
      )}
    </>
  )
}

function OccurrenceCard({ occurrence, n, timeZone, onUploaded, onEdit, onDeleted }) {
  const title = `Ocorrência ${n}: ${occurrence.occurrence_type.name}`
  return (
    <article class="card occurrence" aria-labelledby={`occ-${occurrence.id}`} data-testid="occurrence">
      <header class="occurrence-head">
        <h3 id={`occ-${occurrence.id}`}>{title}</h3>
        <span class={`chip payer-${occurrence.payer}`}>{occurrence.payer_label}</span>
        <span class={`chip ${resolution(occurrence)[1]}`}>{resolution(occurrence)[0]}</span>
        <span class="occ-actions">
          <button type="button" class="btn btn-small" onClick={onEdit} aria-label={`Editar ${title}`}>
            Editar
          </button>
          <DeleteOccurrence occurrence={occurrence} title={title} onDeleted={onDeleted} />
        </span>
      </header>
      <FactsRow
        pairs={[
          ['Ambiente', occurrence.room?.name || '—'],
          ['Linha', occurrence.product_line?.name || '—'],
          ['Situação', occurrence.status?.name || '—'],
          ['Responsável', occurrence.responsible?.name || '—'],
          ['Previsão', formatDate(occurrence.expected_fix_date, timeZone)],
          ['Pedido do fornecedor', occurrence.supplier_order_number],
          ['Registrada', `${formatDate(occurrence.created_at, timeZone)}${occurrence.author ? ` por ${occurrence.author.name}` : ''}`],
        ]}
      />
      {occurrence.report && <p class="prewrap">{occurrence.report}</p>}
      {!occurrence.resolved && occurrence.unresolved_reason && <p class="muted">Não resolvida: {occurrence.unresolved_reason}</p>}
      <Items items={occurrence.items} />
      <Photos occurrence={occurrence} title={title} onUploaded={onUploaded} />
    </article>
  )
}

function Costs({ costs }) {
  return (
    <section class="card costs" aria-labelledby="costs-title" data-testid="costs">
      <h2 id="costs-title">Custos por modalidade</h2>
      <table class="table">
        <tbody>
          {costRows(costs).map((row) => (
            <tr key={row.payer} data-testid={`cost-${row.payer}`}>
              <th scope="row">{row.label}</th>
              <td class="num">{formatMoney(row.value)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td class="num" data-testid="cost-total">
              {formatMoney(costs.total)}
            </td>
          </tr>
        </tfoot>
      </table>
      {costs.items_without_cost > 0 && <p class="muted">{costs.items_without_cost} item(ns) sem custo informado não entram nos totais.</p>}
    </section>
  )
}

export function Occurrences({ kase, timeZone, onCaseChanged, user }) {
  const [onlyMine, setOnlyMine] = useState(false)
  const [{ data, error }, reload] = useLoad([`/api/cases/${kase.id}/occurrences`, `/api/cases/${kase.id}/costs`], [kase.id])
  const [catalogs, setCatalogs] = useState(null)
  const [formOpen, setFormOpen] = useState(false)
  const [editing, setEditing] = useState(null) // the id of the occurrence being edited
  const [catalogError, setCatalogError] = useState('')
  const [notice, setNotice] = useState('')

  async function openForm(id = null) {
    setNotice('')
    if (!catalogs) {
      try {
        const paths = [...CATALOGS.map((kind) => catalogPath(kind, kase.store_id)), `/api/users?store_id=${kase.store_id}`]
        const lists = await Promise.all(paths.map((path) => officeApi.get(path)))
        setCatalogs(Object.fromEntries([...CATALOGS, 'users'].map((kind, n) => [kind, lists[n]])))
      } catch (e) {
        setCatalogError(problemOf(e).message)
        return
      }
    }
    setEditing(id) // one form at a time: a new occurrence's or this one's
    setFormOpen(!id)
  }

  async function saved(occurrence) {
    setNotice([editing ? 'Ocorrência atualizada.' : 'Ocorrência registrada.', ...(occurrence.warnings || [])].join(' '))
    setFormOpen(false)
    setEditing(null)
    await reload()
    onCaseChanged()
  }

  async function deleted() {
    setNotice('Ocorrência excluída.')
    await reload()
    onCaseChanged()
  }

  if (!data) return <Loading error={error} what="as ocorrências" />
  const [all, costs] = data
  const occurrences = onlyMine ? mine(all, user?.id) : all
  return (
    <div class="case-occurrences">
      <div class="occ-main">
        <div class="section-head">
          <h2>Ocorrências ({all.length})</h2>
          <div class="segmented" role="group" aria-label="Mostrar">
            <button type="button" class="btn btn-small" aria-pressed={!onlyMine} onClick={() => setOnlyMine(false)}>
              Todas
            </button>
            <button type="button" class="btn btn-small" aria-pressed={onlyMine} onClick={() => setOnlyMine(true)}>
              Minhas ({mine(all, user?.id).length})
            </button>
          </div>
          {!formOpen && !editing && (
            <button type="button" class="btn btn-primary" onClick={() => openForm()}>
              + Nova ocorrência
            </button>
          )}
        </div>
        {catalogError && (
          <p class="notice notice-error" role="alert">
            {catalogError}
          </p>
        )}
        {notice && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        {formOpen && <OccurrenceForm kase={kase} catalogs={catalogs} onSaved={saved} onCancel={() => setFormOpen(false)} />}
        {all.length === 0 && !formOpen && <p class="muted">Nenhuma ocorrência registrada.</p>}
        {all.length > 0 && occurrences.length === 0 && <p class="muted">Nenhuma ocorrência sob sua responsabilidade.</p>}
        {occurrences.map((o) =>
          editing === o.id ? (
            <OccurrenceForm key={o.id} kase={kase} catalogs={catalogs} occurrence={o} onSaved={saved} onCancel={() => setEditing(null)} />
          ) : (
            <OccurrenceCard
              key={o.id}
              occurrence={o}
              n={all.indexOf(o) + 1}
              timeZone={timeZone}
              onUploaded={reload}
              onEdit={() => openForm(o.id)}
              onDeleted={deleted}
            />
          ),
        )}
        <ClaimOpener kase={kase} occurrences={all} />
      </div>
      <Costs costs={costs} />
    </div>
  )
}
