// Fornecedores (admins and schedulers): the store's suppliers, inactive ones included, and one
// form to register or edit one — kind, CNPJ, the e-mails that parts orders and claims go to,
// phones and notes. A supplier is deactivated, not deleted: items and orders keep naming it.
import { useEffect, useRef, useState } from 'preact/hooks'
import { formatPhone } from '../../lib/format.js'
import { officeApi } from '../api.js'
import { problemOf } from '../../data/problem.js'
import { Field, ProblemNotice } from '../fields.jsx'
import { formatDocument } from '../format.js'
import { LABELS } from '../../data/labels.js'
import './suppliers.css'
import { forgetSuppliers } from './list.js'
import { supplierBody, supplierErrors, supplierForm } from './suppliers.js'
import { FormActions } from '../../components/fields.jsx'

const SHOWN = ['kind', 'name', 'cnpj', 'order_emails', 'claim_emails', 'phone', 'whatsapp', 'notes', 'active']

function SupplierForm({ supplier, store, onSaved, onCancel }) {
  const [form, setForm] = useState(() => supplierForm(supplier))
  const [problem, setProblem] = useState(null)
  const [busy, setBusy] = useState(false)
  const heading = useRef(null)
  const summary = useRef(null)
  useEffect(() => heading.current?.focus(), [supplier?.id])
  const errors = supplierErrors(problem?.fields)
  const set = (name) => (event) => setForm({ ...form, [name]: event.currentTarget.value })
  const field = (name, label, props = {}) => <Field label={label} path={name} errors={errors} value={form[name]} onInput={set(name)} {...props} />

  async function submit(event) {
    event.preventDefault()
    setBusy(true)
    setProblem(null)
    try {
      const body = supplierBody(form)
      const saved = supplier
        ? await officeApi.patch(`/api/suppliers/${supplier.id}`, body)
        : await officeApi.post('/api/suppliers', { ...body, store_id: store.id })
      forgetSuppliers()
      onSaved(saved)
    } catch (error) {
      setProblem(problemOf(error))
      setBusy(false)
      requestAnimationFrame(() => summary.current?.focus())
    }
  }
  const title = supplier ? `Editar ${supplier.name}` : 'Novo fornecedor'
  return (
    <form class="card form office-form" onSubmit={submit} noValidate aria-labelledby="supplier-form-title" data-testid="supplier-form">
      <h2 id="supplier-form-title" tabIndex={-1} ref={heading}>
        {title}
      </h2>
      <ProblemNotice problem={problem && { ...problem, fields: errors }} shown={SHOWN} noticeRef={summary} />
      <div class="grid">
        <Field label="Tipo" path="kind" errors={errors} as="select" value={form.kind} onChange={set('kind')} class="span-2" required>
          {!form.kind && <option value="">A classificar</option>}
          {Object.entries(LABELS.supplier_kind).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </Field>
        {field('name', 'Nome', { class: 'span-4', required: true, maxLength: 120, autocomplete: 'off' })}
        {field('cnpj', 'CNPJ', { class: 'span-2', autocomplete: 'off', placeholder: '00.000.000/0000-00' })}
        {field('order_emails', 'E-mails para pedidos', {
          class: 'span-4',
          autocomplete: 'off',
          hint: 'Os pedidos de peças vão para estes endereços. Separe por vírgula.',
        })}
        {field('claim_emails', 'E-mails para reclamações', { class: 'span-4', autocomplete: 'off', hint: 'Garantia, avarias. Separe por vírgula.' })}
        {field('phone', 'Telefone', { class: 'span-2', type: 'tel' })}
        {field('whatsapp', 'WhatsApp', { class: 'span-2', type: 'tel' })}
        <label class="span-2 check supplier-active">
          <input type="checkbox" checked={form.active} onChange={(e) => setForm({ ...form, active: e.currentTarget.checked })} /> Ativo
        </label>
        {field('notes', 'Observações', { as: 'textarea', rows: 2, class: 'span-all' })}
      </div>
      <FormActions busy={busy} onCancel={onCancel}>
        {supplier ? 'Salvar alterações' : 'Cadastrar fornecedor'}
      </FormActions>
    </form>
  )
}

export function Suppliers({ user }) {
  const stores = user.stores || []
  const [storeId, setStoreId] = useState(stores[0]?.id)
  const store = stores.find((s) => s.id === storeId) || stores[0]
  const [suppliers, setSuppliers] = useState(null)
  const [error, setError] = useState('')
  const [editing, setEditing] = useState(null) // null: closed; 'new'; or a supplier
  const [notice, setNotice] = useState('')
  useEffect(() => {
    setSuppliers(null)
    officeApi.get(`/api/suppliers?include_inactive=true&store_id=${store.id}`).then(setSuppliers, (e) => setError(problemOf(e).message))
  }, [store.id])
  useEffect(() => {
    document.title = 'Fornecedores — Assistec'
  }, [])

  const saved = (supplier) => {
    setSuppliers((list) => {
      const rest = list.filter((s) => s.id !== supplier.id)
      return [...rest, supplier].sort((a, b) => a.name.localeCompare(b.name, 'pt-BR'))
    })
    setNotice(`Fornecedor ${supplier.name} salvo.`)
    setEditing(null)
  }
  return (
    <>
      <div class="screen-head">
        <h1 class="screen-title">Fornecedores</h1>
        {stores.length > 1 && (
          <label class="supplier-store">
            Loja
            <select value={String(store.id)} onChange={(e) => setStoreId(Number(e.currentTarget.value))}>
              {stores.map((s) => (
                <option key={s.id} value={String(s.id)}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {!editing && (
          <button type="button" class="btn btn-primary" onClick={() => (setNotice(''), setEditing('new'))}>
            Novo fornecedor
          </button>
        )}
      </div>
      {notice && (
        <p class="notice notice-ok" role="status">
          {notice}
        </p>
      )}
      {editing && (
        <SupplierForm
          key={editing === 'new' ? 'new' : editing.id}
          supplier={editing === 'new' ? null : editing}
          store={store}
          onSaved={saved}
          onCancel={() => setEditing(null)}
        />
      )}
      {error && (
        <p class="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {!suppliers && !error && <p role="status">Carregando…</p>}
      {suppliers && !suppliers.length && <p class="muted">Nenhum fornecedor cadastrado.</p>}
      {suppliers && suppliers.length > 0 && (
        <section class="card" aria-labelledby="suppliers-title">
          <h2 id="suppliers-title" class="visually-hidden">
            Fornecedores cadastrados
          </h2>
          <div class="table-wrap">
            <table class="table" data-testid="suppliers">
              <thead>
                <tr>
                  <th scope="col">Nome</th>
                  <th scope="col">Tipo</th>
                  <th scope="col">CNPJ</th>
                  <th scope="col">E-mail para pedidos</th>
                  <th scope="col">Telefone</th>
                  <th scope="col">Situação</th>
                  <th scope="col">
                    <span class="visually-hidden">Ações</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {suppliers.map((s) => (
                  <tr key={s.id} data-testid="supplier-row" class={s.active ? undefined : 'is-inactive'}>
                    <td>{s.name}</td>
                    <td>{s.kind_label}</td>
                    <td class="nowrap">{formatDocument(s.cnpj) || '—'}</td>
                    <td>{s.order_emails.join(', ') || <span class="muted">sem e-mail</span>}</td>
                    <td class="nowrap">{s.phone ? formatPhone(s.phone) : '—'}</td>
                    <td>{s.active ? 'Ativo' : <span class="chip chip-cancelled">Inativo</span>}</td>
                    <td>
                      <button type="button" class="btn btn-small" onClick={() => (setNotice(''), setEditing(s))} aria-label={`Editar ${s.name}`}>
                        Editar
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </>
  )
}
