// A contract, new or edited: number, customer, delivery address and date, and its items (room,
// factory, product line, code, … dates) edited in place in one table; one PATCH sends the list
// (items with their id are kept, new rows added, removed rows deleted — 409 while an occurrence
// points at one). The API's messages show at their field, `items.N.*` at its cell.
import { useEffect, useRef, useState } from 'preact/hooks'
import { problemOf } from '../../data/problem.js'
import { navigate } from '../../lib/router.js'
import { formatDocument } from '../format.js'
import { officeApi } from '../api.js'
import { AddressFields, Field, FieldError, ProblemNotice } from '../fields.jsx'
import { FormActions } from '../../components/fields.jsx'
import { catalogPath, Options } from '../case/common.jsx'
import { storeSuppliers } from '../suppliers/list.js'
import { contractBody, contractForm, itemForm } from './contract-form.js'
import './records.css'

const TEXT_COLUMNS = [
  ['code', 'Código'],
  ['description', 'Descrição'],
  ['finish', 'Acabamento'],
  ['dimensions', 'Medidas'],
  ['quantity', 'Qtd.'],
  ['factory_order_number', 'Pedido fábrica'],
  ['invoice_number', 'NF-e'],
]
const DATE_COLUMNS = [
  ['invoice_date', 'Data NF'],
  ['delivery_date', 'Entrega'],
  ['installation_date', 'Montagem'],
]
const SHOWN = ['number', 'customer_id', 'delivery_date', 'notes', 'delivery_address']

function CustomerChooser({ customer, onChoose, errors }) {
  const [q, setQ] = useState('')
  const [found, setFound] = useState(null)
  if (customer)
    return (
      <div class="span-all">
        <strong>Cliente:</strong> <a href={`/escritorio/clientes/${customer.id}`}>{customer.name}</a> {formatDocument(customer.document)}{' '}
        <button type="button" class="btn btn-small" onClick={() => onChoose(null)}>
          Trocar cliente
        </button>
      </div>
    )
  const find = () => officeApi.get(`/api/customers?limit=10&q=${encodeURIComponent(q.trim())}`).then((page) => setFound(page.items))
  return (
    <div class="span-all">
      <label for="f-customer_id">
        Cliente (nome, CPF/CNPJ ou telefone)
        <input
          id="f-customer_id"
          type="search"
          value={q}
          onInput={(e) => setQ(e.currentTarget.value)}
          onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), find())}
        />
      </label>
      <button type="button" class="btn btn-small" onClick={find}>
        Buscar cliente
      </button>
      <FieldError path="customer_id" errors={errors} />
      {found && (
        <ul class="plain-list">
          {found.length === 0 && <li class="muted">Nenhum cliente encontrado.</li>}
          {found.map((c) => (
            <li key={c.id}>
              <button type="button" class="link" onClick={() => onChoose(c)}>
                {c.name} {formatDocument(c.document)}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

function ItemRow({ row, index, catalogs, factories, errors, onChange, onRemove }) {
  const set = (name) => (e) => onChange({ ...row, [name]: e.currentTarget.value })
  const path = (name) => `items.${index}.${name}`
  const cell = (name, label, props = {}) => (
    <td data-col={name}>
      <input
        aria-label={`${label} (item ${index + 1})`}
        value={row[name]}
        onInput={set(name)}
        aria-invalid={errors[path(name)] ? 'true' : undefined}
        {...props}
      />
      <FieldError path={path(name)} errors={errors} />
    </td>
  )
  const select = (name, label, entries) => (
    <td data-col={name}>
      <select aria-label={`${label} (item ${index + 1})`} value={row[name]} onChange={set(name)}>
        <Options entries={entries} placeholder="—" />
      </select>
      <FieldError path={path(name)} errors={errors} />
    </td>
  )
  return (
    <tr data-testid="contract-item">
      {select('room_id', 'Ambiente', catalogs.rooms)}
      {select('supplier_id', 'Fábrica', factories)}
      {select('product_line_id', 'Linha', catalogs.product_lines)}
      {TEXT_COLUMNS.map(([name, label]) => cell(name, label, name === 'quantity' ? { inputMode: 'decimal', size: 4 } : {}))}
      {DATE_COLUMNS.map(([name, label]) => cell(name, label, { type: 'date' }))}
      <td>
        <button type="button" class="btn btn-small btn-ghost" onClick={onRemove} aria-label={`Remover item ${index + 1}`}>
          Remover
        </button>
        <FieldError path={`items.${index}`} errors={errors} />
      </td>
    </tr>
  )
}

function ContractForm({ contract, storeId, onSaved, onCancel }) {
  const [form, setForm] = useState(() => contractForm(contract))
  const [catalogs, setCatalogs] = useState({ rooms: [], product_lines: [] })
  const [factories, setFactories] = useState([])
  const [problem, setProblem] = useState(null)
  const [busy, setBusy] = useState(false)
  const summary = useRef(null)
  useEffect(() => {
    Promise.all([officeApi.get(catalogPath('rooms', storeId)), officeApi.get(catalogPath('product_lines', storeId))]).then(
      ([rooms, lines]) => setCatalogs({ rooms, product_lines: lines }),
      () => {},
    )
    storeSuppliers(storeId).then(
      (all) => {
        const known = all.filter((s) => s.kind === 'factory')
        const used = (contract?.items || []).map((i) => i.supplier).filter((s) => s && !known.some((k) => k.id === s.id))
        setFactories([...known, ...used])
      },
      () => {},
    )
  }, [storeId, contract])
  const errors = problem?.fields || {}
  const setRow = (index) => (row) => setForm({ ...form, items: form.items.map((r, i) => (i === index ? row : r)) })
  async function submit(event) {
    event.preventDefault()
    setBusy(true)
    setProblem(null)
    try {
      const body = contractBody(form)
      const saved = contract?.id
        ? await officeApi.patch(`/api/contracts/${contract.id}`, body)
        : await officeApi.post('/api/contracts', { ...body, store_id: storeId })
      onSaved(saved)
    } catch (error) {
      setProblem(problemOf(error))
      setBusy(false)
      requestAnimationFrame(() => summary.current?.focus())
    }
  }
  const shown = [...SHOWN, ...Object.keys(errors).filter((p) => p.startsWith('items.') || p.startsWith('delivery_address.'))]
  return (
    <form
      class="card form office-form"
      onSubmit={submit}
      noValidate
      aria-label={contract?.id ? `Editar contrato ${contract.number}` : 'Novo contrato'}
      data-testid="contract-form"
    >
      <ProblemNotice problem={problem} shown={shown} noticeRef={summary} />
      <div class="grid">
        <Field
          label="Número do contrato"
          path="number"
          errors={errors}
          value={form.number}
          onInput={(e) => setForm({ ...form, number: e.currentTarget.value })}
          class="span-2"
          required
        />
        <Field
          label="Data de entrega"
          path="delivery_date"
          errors={errors}
          type="date"
          value={form.delivery_date}
          onInput={(e) => setForm({ ...form, delivery_date: e.currentTarget.value })}
          class="span-2"
        />
        <CustomerChooser customer={form.customer} errors={errors} onChoose={(customer) => setForm({ ...form, customer })} />
      </div>
      <AddressFields
        legend="Endereço de entrega"
        prefix="delivery_address"
        value={form.address}
        errors={errors}
        hint="Em branco: o endereço do cliente."
        onChange={(address) => setForm({ ...form, address })}
      />
      <div class="grid">
        <Field
          label="Observações"
          path="notes"
          errors={errors}
          as="textarea"
          rows={2}
          value={form.notes}
          onInput={(e) => setForm({ ...form, notes: e.currentTarget.value })}
          class="span-all"
        />
      </div>
      <fieldset class="items-fieldset">
        <legend>Itens do contrato</legend>
        <FieldError path="items" errors={errors} />
        <div class="table-wrap">
          <table class="table items-table" data-testid="contract-items">
            <thead>
              <tr>
                <th scope="col">Ambiente</th>
                <th scope="col">Fábrica</th>
                <th scope="col">Linha</th>
                {[...TEXT_COLUMNS, ...DATE_COLUMNS].map(([name, label]) => (
                  <th key={name} scope="col">
                    {label}
                  </th>
                ))}
                <th scope="col">
                  <span class="visually-hidden">Ações</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {form.items.map((row, index) => (
                <ItemRow
                  key={row.key}
                  row={row}
                  index={index}
                  catalogs={catalogs}
                  factories={factories}
                  errors={errors}
                  onChange={setRow(index)}
                  onRemove={() => setForm({ ...form, items: form.items.filter((_, i) => i !== index) })}
                />
              ))}
            </tbody>
          </table>
        </div>
        <button type="button" class="btn btn-small" onClick={() => setForm({ ...form, items: [...form.items, itemForm(null)] })}>
          Adicionar item
        </button>
      </fieldset>
      <FormActions busy={busy} onCancel={onCancel}>
        {contract?.id ? 'Salvar contrato' : 'Cadastrar contrato'}
      </FormActions>
    </form>
  )
}

function ItemsView({ items }) {
  if (!items.length) return <p class="muted">Nenhum item.</p>
  const date = (d) => (d ? d.split('-').reverse().join('/') : '—')
  return (
    <div class="table-wrap">
      <table class="table" data-testid="contract-items">
        <thead>
          <tr>
            <th scope="col">Ambiente</th>
            <th scope="col">Fábrica</th>
            <th scope="col">Código</th>
            <th scope="col">Descrição</th>
            <th scope="col">Acabamento</th>
            <th scope="col">Qtd.</th>
            <th scope="col">Pedido fábrica</th>
            <th scope="col">NF-e</th>
            <th scope="col">Entrega</th>
            <th scope="col">Montagem</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr key={i.id}>
              <td>{i.room?.name || '—'}</td>
              <td>{i.supplier?.name || '—'}</td>
              <td>{i.code || '—'}</td>
              <td>{i.description || '—'}</td>
              <td>{i.finish || '—'}</td>
              <td>
                {i.quantity == null
                  ? '—'
                  : String(i.quantity)
                      .replace(/\.?0+$/, '')
                      .replace('.', ',')}
              </td>
              <td>{i.factory_order_number || '—'}</td>
              <td>{i.invoice_number ? `${i.invoice_number} (${date(i.invoice_date)})` : '—'}</td>
              <td>{date(i.delivery_date)}</td>
              <td>{date(i.installation_date)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export function ContractPage({ id, user, search }) {
  const [contract, setContract] = useState(null)
  const [error, setError] = useState('')
  const [editing, setEditing] = useState(!id)
  const [notice, setNotice] = useState('')
  const [preset, setPreset] = useState(null)
  const customerId = new URLSearchParams(search).get('cliente')
  useEffect(() => {
    if (id) officeApi.get(`/api/contracts/${id}`).then(setContract, (e) => setError(problemOf(e).message))
    else if (customerId)
      officeApi.get(`/api/customers/${customerId}`).then(
        (c) => setPreset({ customer: c }),
        () => setPreset({}),
      )
    else setPreset({})
  }, [id, customerId])
  useEffect(() => {
    document.title = `${contract ? `Contrato ${contract.number}` : 'Novo contrato'} — Assistec`
  }, [contract])
  if (error)
    return (
      <p class="notice notice-error" role="alert">
        {error} <a href="/escritorio/contratos">Voltar a Contratos</a>
      </p>
    )
  if (id ? !contract : !preset) return <p role="status">Carregando…</p>
  const storeId = contract?.store_id ?? preset?.customer?.store_id ?? user.stores?.[0]?.id
  return (
    <>
      <p class="small">
        <a href="/escritorio/contratos">← Contratos</a>
      </p>
      <div class="screen-head">
        <h1 class="screen-title">{contract ? `Contrato ${contract.number}` : 'Novo contrato'}</h1>
        {contract && !editing && (
          <button type="button" class="btn" onClick={() => (setNotice(''), setEditing(true))}>
            Editar
          </button>
        )}
      </div>
      {notice && (
        <p class="notice notice-ok" role="status">
          {notice}
        </p>
      )}
      {editing ? (
        <ContractForm
          contract={contract || (preset?.customer ? { customer: preset.customer, items: [] } : null)}
          storeId={storeId}
          onCancel={() => (contract ? setEditing(false) : navigate('/escritorio/contratos'))}
          onSaved={(saved) => {
            setContract(saved)
            setEditing(false)
            setNotice('Contrato salvo.')
            if (!id) navigate(`/escritorio/contratos/${saved.id}`, { replace: true })
          }}
        />
      ) : (
        <>
          <dl class="card facts" data-testid="contract-data">
            <dt>Cliente</dt>
            <dd>
              <a href={`/escritorio/clientes/${contract.customer_id}`}>{contract.customer.name}</a>
            </dd>
            <dt>Entrega</dt>
            <dd>{contract.delivery_date ? contract.delivery_date.split('-').reverse().join('/') : '—'}</dd>
            <dt>Endereço de entrega</dt>
            <dd>
              {contract.delivery_address
                ? `${contract.delivery_address.street}, ${contract.delivery_address.number} — ${contract.delivery_address.city}/${contract.delivery_address.state}`
                : '—'}
            </dd>
          </dl>
          <section class="card" aria-labelledby="contract-items-title">
            <h2 id="contract-items-title">Itens do contrato</h2>
            <ItemsView items={contract.items} />
          </section>
        </>
      )}
    </>
  )
}
