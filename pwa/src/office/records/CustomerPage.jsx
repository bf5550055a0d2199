// A customer: the data edited in place (the API's 422 messages at their fields), its cases and
// its contracts, each a link.
import { useEffect, useRef, useState } from 'preact/hooks'
import { formatDate, formatPhone } from '../../lib/format.js'
import { problemOf } from '../../data/problem.js'
import { officeApi } from '../api.js'
import { AddressFields, Field, ProblemNotice } from '../fields.jsx'
import { formatDocument } from '../format.js'
import { FormActions } from '../../components/fields.jsx'
import { customerBody, customerErrors, customerForm } from './customer-form.js'
import { usePaged, MoreButton } from './paged.jsx'
import './records.css'

const SHOWN = [
  'name',
  'document',
  'phones',
  'email',
  'notes',
  'address',
  'address.cep',
  'address.street',
  'address.number',
  'address.complement',
  'address.district',
  'address.city',
  'address.state',
]

function CustomerForm({ customer, onSaved, onCancel }) {
  const [form, setForm] = useState(() => customerForm(customer))
  const [problem, setProblem] = useState(null)
  const [busy, setBusy] = useState(false)
  const summary = useRef(null)
  const errors = customerErrors(problem?.fields)
  const field = (name, label, props = {}) => (
    <Field label={label} path={name} errors={errors} value={form[name]} onInput={(e) => setForm({ ...form, [name]: e.currentTarget.value })} {...props} />
  )
  async function submit(event) {
    event.preventDefault()
    setBusy(true)
    setProblem(null)
    try {
      onSaved(await officeApi.patch(`/api/customers/${customer.id}`, customerBody(form)))
    } catch (error) {
      setProblem(problemOf(error))
      setBusy(false)
      requestAnimationFrame(() => summary.current?.focus())
    }
  }
  return (
    <form class="card form office-form" onSubmit={submit} noValidate aria-label="Editar cliente" data-testid="customer-form">
      <ProblemNotice problem={problem && { ...problem, fields: errors }} shown={SHOWN} noticeRef={summary} />
      <div class="grid">
        {field('name', 'Nome', { class: 'span-4', required: true })}
        {field('document', 'CPF/CNPJ', { class: 'span-2', autocomplete: 'off' })}
        {field('phones', 'Telefones', { class: 'span-3', hint: 'Com DDD. Separe por vírgula.' })}
        {field('email', 'E-mail', { class: 'span-3', type: 'email' })}
      </div>
      <AddressFields legend="Endereço" prefix="address" value={form.address} errors={errors} onChange={(address) => setForm({ ...form, address })} />
      <div class="grid">{field('notes', 'Observações', { as: 'textarea', rows: 2, class: 'span-all' })}</div>
      <FormActions busy={busy} onCancel={onCancel}>
        Salvar alterações
      </FormActions>
    </form>
  )
}

function CustomerCases({ id, timeZone }) {
  const list = usePaged(`/api/cases?customer_id=${id}&sort=newest&limit=25`)
  return (
    <section class="card" aria-labelledby="customer-cases">
      <h2 id="customer-cases">Assistências</h2>
      {list.error && <p class="notice notice-error">{list.error}</p>}
      {!list.loading && !list.items.length && <p class="muted">Nenhuma assistência.</p>}
      <ul class="plain-list" data-testid="customer-cases">
        {list.items.map((k) => (
          <li key={k.id}>
            <a href={`/escritorio/assistencias/${k.id}`}>{k.number}</a> · {k.status_label} · aberta em {formatDate(k.opened_at || k.created_at, timeZone)}
          </li>
        ))}
      </ul>
      <MoreButton list={list} />
    </section>
  )
}

function CustomerContracts({ id }) {
  const list = usePaged(`/api/contracts?customer_id=${id}&limit=25`)
  return (
    <section class="card" aria-labelledby="customer-contracts">
      <h2 id="customer-contracts">Contratos</h2>
      {list.error && <p class="notice notice-error">{list.error}</p>}
      {!list.loading && !list.items.length && <p class="muted">Nenhum contrato.</p>}
      <ul class="plain-list" data-testid="customer-contracts">
        {list.items.map((c) => (
          <li key={c.id}>
            <a href={`/escritorio/contratos/${c.id}`}>Contrato {c.number}</a> · {c.items.length} {c.items.length === 1 ? 'item' : 'itens'}
          </li>
        ))}
      </ul>
      <MoreButton list={list} />
      <a class="btn btn-small" href={`/escritorio/contratos/novo?cliente=${id}`}>
        Novo contrato
      </a>
    </section>
  )
}

export function CustomerPage({ id, timeZone }) {
  const [customer, setCustomer] = useState(null)
  const [error, setError] = useState('')
  const [editing, setEditing] = useState(false)
  const [notice, setNotice] = useState('')
  useEffect(() => {
    officeApi.get(`/api/customers/${id}`).then(setCustomer, (e) => setError(problemOf(e).message))
  }, [id])
  useEffect(() => {
    if (customer) document.title = `${customer.name} — Clientes — Assistec`
  }, [customer])
  if (error)
    return (
      <p class="notice notice-error" role="alert">
        {error} <a href="/escritorio/clientes">Voltar a Clientes</a>
      </p>
    )
  if (!customer) return <p role="status">Carregando…</p>
  return (
    <>
      <p class="small">
        <a href="/escritorio/clientes">← Clientes</a>
      </p>
      <div class="screen-head">
        <h1 class="screen-title">{customer.name}</h1>
        {!editing && (
          <button type="button" class="btn" onClick={() => (setNotice(''), setEditing(true))}>
            Editar
          </button>
        )}
        <a class="btn btn-primary" href="/escritorio/assistencias/nova">
          Incluir assistência
        </a>
      </div>
      {notice && (
        <p class="notice notice-ok" role="status">
          {notice}
        </p>
      )}
      {editing ? (
        <CustomerForm
          customer={customer}
          onCancel={() => setEditing(false)}
          onSaved={(saved) => (setCustomer(saved), setEditing(false), setNotice('Cliente salvo.'))}
        />
      ) : (
        <dl class="card facts" data-testid="customer-data">
          <dt>CPF/CNPJ</dt>
          <dd>{formatDocument(customer.document) || '—'}</dd>
          <dt>Telefones</dt>
          <dd>{customer.phones.map(formatPhone).join(', ') || '—'}</dd>
          <dt>E-mail</dt>
          <dd>{customer.email || '—'}</dd>
          <dt>Endereço</dt>
          <dd>
            {customer.address
              ? `${customer.address.street}, ${customer.address.number}${customer.address.complement ? ` ${customer.address.complement}` : ''} — ${customer.address.district}, ${customer.address.city}/${customer.address.state}`
              : '—'}
          </dd>
          {customer.notes && (
            <>
              <dt>Observações</dt>
              <dd>{customer.notes}</dd>
            </>
          )}
        </dl>
      )}
      <div class="record-grid">
        <CustomerCases id={customer.id} timeZone={timeZone} />
        <CustomerContracts id={customer.id} />
      </div>
    </>
  )
}
