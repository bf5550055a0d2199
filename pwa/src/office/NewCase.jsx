// Incluir assistência (the seed's Etapa 01): the customer — found by name/CPF/phone, or a new
// one just for this assistance —, an optional contract whose delivery address becomes the
// service address, and the Situação Alegada. The API validates; its messages go to the fields.
import { useRef, useState } from 'preact/hooks'
import { formatAddress, formatPhone } from '../lib/format.js'
import { officeApi } from './api.js'
import { fieldMessage, problemOf } from '../data/problem.js'
import { AddressFields, addressForApi, addressForForm, EMPTY_ADDRESS, Field, FieldError, ProblemNotice } from './fields.jsx'
import { formatDocument } from './format.js'
import { ContractSearch, CustomerSearch } from './Lookup.jsx'
import { navigate } from '../lib/router.js'

const EMPTY_CUSTOMER = { name: '', document: '', phones: '', email: '', address: EMPTY_ADDRESS }
const ADDRESS_KEYS = Object.keys(EMPTY_ADDRESS)
// Every field path shown on this screen (for the list of messages no field claims).
const SHOWN = [
  'customer_id',
  'contract_id',
  'reported_issue',
  'access_notes',
  'service_address',
  'customer',
  ...['name', 'document', 'phones', 'email', 'address'].map((k) => `customer.${k}`),
  ...ADDRESS_KEYS.flatMap((k) => [`service_address.${k}`, `customer.address.${k}`]),
]

/** "11 98888-7777, (11) 3333-4444" → ["11988887777", "1133334444"] (the API checks them). */
export function phonesForApi(text) {
  return String(text || '')
    .split(/[,;/]/)
    .map((p) => p.trim())
    .filter(Boolean)
}

/** Messages of `customer.phones` and of each `customer.phones.N`, on the one phones field. */
function phoneErrors(fields) {
  const messages = Object.entries(fields)
    .filter(([path]) => path === 'customer.phones' || path.startsWith('customer.phones.'))
    .flatMap(([, m]) => m)
  return messages.length ? { 'customer.phones': messages } : {}
}

export function NewCase() {
  const [mode, setMode] = useState('search') // search | new
  const [customer, setCustomer] = useState(null)
  const [draft, setDraft] = useState(EMPTY_CUSTOMER)
  const [contract, setContract] = useState(null)
  const [issue, setIssue] = useState('')
  const [access, setAccess] = useState('')
  const [address, setAddress] = useState(EMPTY_ADDRESS)
  const [addressSource, setAddressSource] = useState('')
  const [problem, setProblem] = useState({ message: '', fields: {} })
  const [busy, setBusy] = useState(false)
  const summary = useRef(null)

  const fields = { ...problem.fields, ...phoneErrors(problem.fields) }
  const shown = [...SHOWN, ...Object.keys(problem.fields).filter((p) => p.startsWith('customer.phones'))]

  function chooseCustomer(c) {
    setCustomer(c)
    setMode('search')
    if (!addressForApi(address) && c.address) {
      setAddress(addressForForm(c.address))
      setAddressSource(`Preenchido com o endereço de ${c.name}.`)
    }
  }

  function chooseContract(c) {
    setContract(c)
    setCustomer({ id: c.customer.id, name: c.customer.name, document: c.customer.document })
    setMode('search')
    if (c.delivery_address) {
      setAddress(addressForForm(c.delivery_address))
      setAddressSource(`Preenchido com o endereço de entrega do contrato ${c.number}.`)
    }
  }

  function dropContract() {
    setContract(null)
    setCustomer(null)
    setAddress(EMPTY_ADDRESS)
    setAddressSource('')
  }

  function body() {
    const data = { reported_issue: issue }
    if (access.trim()) data.access_notes = access.trim()
    if (contract) data.contract_id = contract.id
    else if (mode === 'new') {
      data.customer = {
        name: draft.name,
        document: draft.document.trim() || null,
        phones: phonesForApi(draft.phones),
        email: draft.email.trim() || null,
        address: addressForApi(draft.address),
      }
    } else if (customer) data.customer_id = customer.id
    const service = addressForApi(address)
    if (service) data.service_address = service
    return data
  }

  async function submit(event) {
    event.preventDefault()
    setBusy(true)
    try {
      const created = await officeApi.post('/api/cases', body())
      navigate(`/escritorio/assistencias/${created.id}`)
    } catch (error) {
      setProblem(problemOf(error))
      setBusy(false)
      requestAnimationFrame(() => summary.current?.focus())
    }
  }

  const customerError = fieldMessage(fields, 'customer_id')
  return (
    <>
      <h1 class="screen-title">Incluir assistência</h1>
      <form class="form office-form" onSubmit={submit} noValidate>
        <ProblemNotice problem={problem} shown={shown} noticeRef={summary} />

        <fieldset class="card">
          <legend>Contrato (opcional)</legend>
          {contract ? (
            <div class="chosen" data-testid="chosen-contract">
              <p>
                <strong>Contrato {contract.number}</strong> — {contract.customer.name}
                {contract.delivery_date && <span class="muted"> · entrega em {contract.delivery_date.split('-').reverse().join('/')}</span>}
              </p>
              <button type="button" class="btn btn-small" onClick={dropContract}>
                Remover contrato
              </button>
            </div>
          ) : (
            <ContractSearch onChoose={chooseContract} />
          )}
          <FieldError path="contract_id" errors={fields} />
        </fieldset>

        <fieldset class="card">
          <legend>Cliente</legend>
          {customer && mode === 'search' ? (
            <div class="chosen" data-testid="chosen-customer">
              <p>
                <strong>{customer.name}</strong>
                <span class="muted">
                  {' '}
                  {[formatDocument(customer.document), (customer.phones || []).map(formatPhone).join(', ')].filter(Boolean).join(' · ')}
                </span>
              </p>
              {!contract && (
                <button type="button" class="btn btn-small" onClick={() => setCustomer(null)}>
                  Trocar cliente
                </button>
              )}
            </div>
          ) : mode === 'search' ? (
            <>
              <CustomerSearch onChoose={chooseCustomer} describedBy={customerError ? 'f-customer_id-error' : undefined} />
              <button type="button" class="btn btn-ghost" onClick={() => setMode('new')}>
                + Novo cliente só para assistência
              </button>
            </>
          ) : (
            <div class="new-customer" data-testid="new-customer">
              <p class="muted small">Cadastro rápido, marcado como cliente só de assistência.</p>
              <div class="grid grid-customer">
                <Field
                  label="Nome"
                  path="customer.name"
                  errors={fields}
                  value={draft.name}
                  required
                  class="span-4"
                  onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
                  autocomplete="off"
                />
                <Field
                  label="CPF ou CNPJ"
                  path="customer.document"
                  errors={fields}
                  value={draft.document}
                  class="span-2"
                  inputMode="numeric"
                  onInput={(e) => setDraft({ ...draft, document: e.currentTarget.value })}
                />
                <Field
                  label="Telefones"
                  path="customer.phones"
                  errors={fields}
                  value={draft.phones}
                  class="span-3"
                  hint="Com DDD; separe vários por vírgula."
                  inputMode="tel"
                  onInput={(e) => setDraft({ ...draft, phones: e.currentTarget.value })}
                />
                <Field
                  label="E-mail"
                  path="customer.email"
                  errors={fields}
                  value={draft.email}
                  type="email"
                  class="span-3"
                  onInput={(e) => setDraft({ ...draft, email: e.currentTarget.value })}
                />
              </div>
              <AddressFields
                legend="Endereço do cliente"
                prefix="customer.address"
                errors={fields}
                value={draft.address}
                onChange={(a) => setDraft({ ...draft, address: a })}
              />
              <button type="button" class="btn btn-ghost" onClick={() => setMode('search')}>
                Buscar cliente cadastrado
              </button>
            </div>
          )}
          {customerError && (
            <span class="field-error" id="f-customer_id-error" role="alert">
              {customerError}
            </span>
          )}
        </fieldset>

        <fieldset class="card">
          <legend>Assistência</legend>
          <Field
            label="Situação Alegada"
            path="reported_issue"
            errors={fields}
            as="textarea"
            rows={4}
            value={issue}
            required
            hint="O que o cliente relata, com as palavras dele."
            onInput={(e) => setIssue(e.currentTarget.value)}
          />
          <AddressFields
            legend="Endereço do atendimento"
            prefix="service_address"
            errors={fields}
            value={address}
            onChange={(a) => {
              setAddress(a)
              setAddressSource('')
            }}
            hint={addressSource || 'Em branco: o endereço de entrega do contrato ou, sem contrato, o do cliente.'}
          />
          {contract?.delivery_address && !addressSource && (
            <p class="small">
              Entrega do contrato: {formatAddress(contract.delivery_address)}{' '}
              <button type="button" class="btn btn-small" onClick={() => chooseContract(contract)}>
                Usar este endereço
              </button>
            </p>
          )}
          <Field
            label="Instruções de acesso"
            path="access_notes"
            errors={fields}
            as="textarea"
            rows={2}
            value={access}
            hint="Portaria, horários do condomínio, vaga: o técnico vê na visita."
            onInput={(e) => setAccess(e.currentTarget.value)}
          />
        </fieldset>

        <div class="form-actions">
          <a class="btn" href="/escritorio/assistencias">
            Cancelar
          </a>
          <button class="btn btn-primary" type="submit" disabled={busy}>
            {busy ? 'Salvando…' : 'Incluir assistência'}
          </button>
        </div>
      </form>
    </>
  )
}
