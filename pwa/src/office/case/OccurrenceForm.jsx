// An occurrence filed or edited from the office, with its items: payer (Modalidade) per occurrence,
// the catalogs of the case's store, and the API's messages at their fields. A new one's id is made
// when the form opens (a retried submit is the same record on the server). Editing sends the
// occurrence's PATCH, then each added, changed or removed item; items on a parts order are shown
// locked, with the reason.
import { useRef, useState } from 'preact/hooks'
import { ACTIONS, PAYERS } from '../../data/labels.js'
import { officeApi } from '../api.js'
import { problemOf } from '../../data/problem.js'
import { Field, FieldError, ProblemNotice } from '../fields.jsx'
import { SupplierPicker } from '../suppliers/SupplierPicker.jsx'
import { NO_PROBLEM, Options } from './common.jsx'
import { emptyOccurrence, formErrors, newItem, occurrenceBody, occurrenceEdits, occurrenceForForm } from './occurrences.js'
import { FormActions } from '../../components/fields.jsx'

const SHOWN = [
  'occurrence_type_id',
  'payer',
  'room_id',
  'product_line_id',
  'status_id',
  'supplier_order_number',
  'carrier_id',
  'expected_fix_date',
  'report',
  'resolved',
  'responsible_id',
  'unresolved_reason',
  'items',
]
const ITEM_FIELDS = ['description', 'code', 'quantity', 'unit', 'action', 'supplier', 'supplier_id', 'needs_part', 'unit_cost']

function LockedItem({ item, index }) {
  return (
    <fieldset class="occ-item occ-item-locked" data-testid="item-row">
      <legend>Item {index + 1}</legend>
      <p>
        <strong>{item.description}</strong> — {item.quantity} {item.unit}
        {item.supplier ? ` — ${item.supplier}` : ''}
      </p>
      <p class="muted" data-testid="item-locked">
        Item em pedido de peças: não pode ser alterado nem removido (cancele o pedido antes).
      </p>
    </fieldset>
  )
}

function ItemRow({ item, index, errors, storeId, onChange, onRemove }) {
  if (item.order_id) return <LockedItem item={item} index={index} />
  const set = (name) => (event) => onChange({ ...item, [name]: event.currentTarget.value })
  const field = (name, label, props = {}) => (
    <Field label={label} path={`items.${index}.${name}`} errors={errors} value={item[name]} onInput={set(name)} {...props} />
  )
  return (
    <fieldset class="occ-item" data-testid="item-row">
      <legend>Item {index + 1}</legend>
      <div class="grid grid-item">
        {field('description', 'Descrição', { class: 'span-4', required: true })}
        {field('code', 'Código', { class: 'span-2' })}
        {field('quantity', 'Quantidade', { class: 'span-1', inputMode: 'decimal', required: true })}
        {field('unit', 'Unidade', { class: 'span-1' })}
        <Field label="Ação" path={`items.${index}.action`} errors={errors} as="select" value={item.action} onChange={set('action')} class="span-2">
          {Object.entries(ACTIONS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </Field>
        <SupplierPicker
          storeId={storeId}
          path={`items.${index}.supplier_id`}
          errors={errors}
          value={item.supplier_id || ''}
          onChange={set('supplier_id')}
          class="span-3"
        />
        {field('unit_cost', 'Custo unitário (R$)', { class: 'span-2', inputMode: 'decimal', placeholder: '0,00' })}
        {item.action !== 'replace' && (
          <label class="span-2 check occ-item-part">
            <input type="checkbox" checked={Boolean(item.needs_part)} onChange={(e) => onChange({ ...item, needs_part: e.currentTarget.checked })} /> Precisa de
            peça
          </label>
        )}
        <div class="span-1 occ-item-remove">
          <button type="button" class="btn btn-ghost btn-small" onClick={onRemove} aria-label={`Remover o item ${index + 1}`}>
            Remover
          </button>
        </div>
      </div>
    </fieldset>
  )
}

/** Drop the messages of `paths` (a field the user changed is no longer the one refused). */
const without = (problem, ...paths) =>
  problem.message ? { ...problem, fields: Object.fromEntries(Object.entries(problem.fields || {}).filter(([p]) => !paths.includes(p))) } : problem

export function OccurrenceForm({ kase, catalogs, occurrence = null, onSaved, onCancel }) {
  const [form, setForm] = useState(() => (occurrence ? occurrenceForForm(occurrence) : emptyOccurrence()))
  const [problem, setProblem] = useState(NO_PROBLEM)
  const [busy, setBusy] = useState(false)
  const summary = useRef(null)
  const errors = formErrors(form, problem.fields)
  const set = (name) => (event) => {
    setForm({ ...form, [name]: event.currentTarget.value })
    setProblem(without(problem, name))
  }
  const setItem = (n) => (item) => {
    setForm({ ...form, items: form.items.map((it, i) => (i === n ? item : it)) })
    const changed = Object.keys(item).filter((k) => item[k] !== form.items[n][k])
    setProblem(without(problem, ...changed.map((k) => `items.${n}.${k}`)))
  }
  const removeItem = (n) => () => setForm({ ...form, items: form.items.filter((_, i) => i !== n) })

  async function saveEdits() {
    const { patch, steps } = occurrenceEdits(occurrence, form)
    let saved = await officeApi.patch(`/api/occurrences/${occurrence.id}`, patch)
    for (const step of steps) {
      try {
        await officeApi[step.method](step.path, step.body)
      } catch (error) {
        const found = problemOf(error)
        if (step.method === 'del' && found.status === 404) continue // already gone
        const fields = Object.fromEntries(Object.entries(found.fields || {}).map(([k, v]) => [`items.${step.row}.${k}`, v]))
        throw { itemProblem: { ...found, fields } }
      }
    }
    if (steps.length) saved = await officeApi.get(`/api/occurrences/${occurrence.id}`)
    return saved
  }

  async function submit(event) {
    event.preventDefault()
    setBusy(true)
    try {
      const saved = occurrence ? await saveEdits() : await officeApi.post(`/api/cases/${kase.id}/occurrences`, occurrenceBody(form))
      onSaved(saved)
    } catch (error) {
      setProblem(error?.itemProblem || problemOf(error))
      setBusy(false)
      requestAnimationFrame(() => summary.current?.focus())
    }
  }

  const itemPaths = form.items.flatMap((_, n) => ITEM_FIELDS.map((f) => `items.${n}.${f}`))
  return (
    <form class="form office-form card occ-form" onSubmit={submit} noValidate aria-labelledby="occ-form-title" data-testid="occurrence-form">
      <h2 id="occ-form-title">{occurrence ? 'Editar ocorrência' : 'Nova ocorrência'}</h2>
      <ProblemNotice problem={{ ...problem, fields: errors }} shown={[...SHOWN, ...itemPaths]} noticeRef={summary} />
      <div class="grid">
        <Field
          label="Tipo de ocorrência"
          path="occurrence_type_id"
          errors={errors}
          as="select"
          value={form.occurrence_type_id}
          onChange={set('occurrence_type_id')}
          class="span-2"
          required
        >
          <Options entries={catalogs.occurrence_types} />
        </Field>
        <Field label="Modalidade (quem paga)" path="payer" errors={errors} as="select" value={form.payer} onChange={set('payer')} class="span-2" required>
          <option value="">Selecione…</option>
          {Object.entries(PAYERS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </Field>
        {form.payer === 'carrier' && (
          <SupplierPicker
            storeId={kase.store_id}
            kind="carrier"
            label="Transportadora"
            path="carrier_id"
            errors={errors}
            value={form.carrier_id}
            onChange={set('carrier_id')}
            class="span-2"
          />
        )}
        <Field label="Situação da ocorrência" path="status_id" errors={errors} as="select" value={form.status_id} onChange={set('status_id')} class="span-2">
          <Options entries={catalogs.occurrence_statuses} placeholder="—" />
        </Field>
        <Field label="Ambiente" path="room_id" errors={errors} as="select" value={form.room_id} onChange={set('room_id')} class="span-2">
          <Options entries={catalogs.rooms} placeholder="—" />
        </Field>
        <Field
          label="Linha de produto"
          path="product_line_id"
          errors={errors}
          as="select"
          value={form.product_line_id}
          onChange={set('product_line_id')}
          class="span-2"
        >
          <Options entries={catalogs.product_lines} placeholder="—" />
        </Field>
        <Field
          label="Pedido do fornecedor"
          path="supplier_order_number"
          errors={errors}
          value={form.supplier_order_number}
          onInput={set('supplier_order_number')}
          class="span-1"
        />
        <Field
          label="Previsão de correção"
          path="expected_fix_date"
          errors={errors}
          type="date"
          value={form.expected_fix_date}
          onInput={set('expected_fix_date')}
          class="span-1"
          hint="Vazio: o prazo da assistência."
        />
        <Field label="Relato" path="report" errors={errors} as="textarea" rows={3} value={form.report} onInput={set('report')} class="span-all" />
        <Field
          label="Responsável"
          path="responsible_id"
          errors={errors}
          as="select"
          value={form.responsible_id}
          onChange={set('responsible_id')}
          class="span-2"
        >
          <option value="">—</option>
          {catalogs.users.map((u) => (
            <option key={u.id} value={String(u.id)}>
              {u.name}
            </option>
          ))}
        </Field>
        <Field label="Resolvido?" path="resolved" errors={errors} as="select" value={form.resolved} onChange={set('resolved')} class="span-1">
          <option value="">Em aberto</option>
          <option value="no">Não</option>
          <option value="yes">Sim</option>
        </Field>
        {form.resolved === 'no' && (
          <Field
            label="Motivo de não ter sido resolvido"
            path="unresolved_reason"
            errors={errors}
            value={form.unresolved_reason}
            onInput={set('unresolved_reason')}
            class="span-3"
          />
        )}
      </div>
      <h3>Itens</h3>
      <FieldError path="items" errors={errors} />
      {form.items.map((item, n) => (
        <ItemRow key={item.id} item={item} index={n} errors={errors} storeId={kase.store_id} onChange={setItem(n)} onRemove={removeItem(n)} />
      ))}
      <button type="button" class="btn" onClick={() => setForm({ ...form, items: [...form.items, newItem()] })}>
        + Adicionar item
      </button>
      <FormActions busy={busy} onCancel={onCancel}>
        {occurrence ? 'Salvar alterações' : 'Registrar ocorrência'}
      </FormActions>
    </form>
  )
}
