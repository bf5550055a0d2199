// Usuários: everyone in the admin's stores, inactive ones included (one request); create, edit
// (name, e-mail, phone, role, stores), deactivate/reactivate and reset the password. The API's
// rules stand as they are — e.g. a user shared with a store the admin does not belong to keeps
// their password, e-mail, role and status (403) — and its messages are shown as they come.
import { useEffect, useRef, useState } from 'preact/hooks'
import { formatPhone } from '../../lib/format.js'
import { officeApi } from '../api.js'
import { problemOf } from '../../data/problem.js'
import { Field, FieldError, ProblemNotice } from '../fields.jsx'
import { newUserBody, ROLE_LABELS, ROLES, storeNames, userForm, userPatch } from './users.js'
import { FormActions } from '../../components/fields.jsx'

function StoreChoice({ stores, value, onChange, errors }) {
  const toggle = (id) => (event) => onChange(event.currentTarget.checked ? [...value, id] : value.filter((v) => v !== id))
  return (
    <fieldset class="choice span-all store-choice">
      <legend>Lojas</legend>
      {stores.map((store) => (
        <label key={store.id} class="check">
          <input type="checkbox" checked={value.includes(store.id)} onChange={toggle(store.id)} /> {store.name}
        </label>
      ))}
      <FieldError path="store_ids" errors={errors} />
    </fieldset>
  )
}

const FORM_FIELDS = ['name', 'email', 'role', 'phone', 'password', 'store_ids']

function UserFields({ form, setForm, errors, stores, withPassword }) {
  const set = (name) => (event) => setForm({ ...form, [name]: event.currentTarget.value })
  return (
    <div class="grid">
      <Field label="Nome" path="name" errors={errors} value={form.name} onInput={set('name')} required class="span-3" autocomplete="off" />
      <Field
        label="E-mail (login)"
        path="email"
        errors={errors}
        type="email"
        value={form.email}
        onInput={set('email')}
        required
        class="span-3"
        autocomplete="off"
      />
      <Field label="Perfil" path="role" errors={errors} as="select" value={form.role} onChange={set('role')} class="span-2">
        {ROLES.map((role) => (
          <option key={role} value={role}>
            {ROLE_LABELS[role]}
          </option>
        ))}
      </Field>
      <Field label="Telefone" path="phone" errors={errors} type="tel" value={form.phone} onInput={set('phone')} class="span-2" />
      {withPassword && (
        <Field
          label="Senha inicial"
          path="password"
          errors={errors}
          type="password"
          value={form.password}
          onInput={set('password')}
          required
          minLength={8}
          autocomplete="new-password"
          hint="Ao menos 8 caracteres; a pessoa pode trocá-la depois."
          class="span-2"
        />
      )}
      <StoreChoice stores={stores} value={form.store_ids} onChange={(store_ids) => setForm({ ...form, store_ids })} errors={errors} />
    </div>
  )
}

function NewUser({ stores, onCreated, onCancel }) {
  const [form, setForm] = useState(() => userForm(null, stores.length === 1 ? [stores[0].id] : []))
  const [problem, setProblem] = useState(null)
  const [busy, setBusy] = useState(false)
  const submit = async (event) => {
    event.preventDefault()
    setBusy(true)
    setProblem(null)
    try {
      onCreated(await officeApi.post('/api/users', newUserBody(form)))
    } catch (error) {
      setProblem(problemOf(error))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="card form office-form" onSubmit={submit} aria-labelledby="new-user-title" noValidate>
      <h2 id="new-user-title">Novo usuário</h2>
      <ProblemNotice problem={problem} shown={FORM_FIELDS} />
      <UserFields form={form} setForm={setForm} errors={problem?.fields} stores={stores} withPassword />
      <FormActions busy={busy} busyText="Criando…" onCancel={onCancel}>
        Criar usuário
      </FormActions>
    </form>
  )
}

function EditUser({ user, me, stores, onSaved, onClose }) {
  const [form, setForm] = useState(() => userForm(user))
  const [password, setPassword] = useState('')
  const [problem, setProblem] = useState(null)
  const [done, setDone] = useState('')
  const [busy, setBusy] = useState(false)
  const heading = useRef(null)
  useEffect(() => heading.current?.focus(), [user.id])

  const send = async (body, message) => {
    setBusy(true)
    setProblem(null)
    setDone('')
    try {
      const saved = await officeApi.patch(`/api/users/${user.id}`, body)
      onSaved(saved)
      setForm(userForm(saved))
      setDone(message)
      return true
    } catch (error) {
      setProblem(problemOf(error))
      return false
    } finally {
      setBusy(false)
    }
  }
  const save = (event) => {
    event.preventDefault()
    const body = userPatch(user, form)
    if (!Object.keys(body).length) return setDone('Nada a salvar: nenhum campo foi alterado.')
    send(body, 'Alterações salvas.')
  }
  const resetPassword = async (event) => {
    event.preventDefault()
    if (await send({ password }, `Senha de ${user.name} redefinida. Informe a nova senha à pessoa.`)) setPassword('')
  }
  const toggleActive = () => {
    const verb = user.active ? 'Desativar' : 'Reativar'
    if (!confirm(`${verb} ${user.name}?${user.active ? ' A pessoa não conseguirá mais entrar e as sessões abertas terminam.' : ''}`)) return
    send({ active: !user.active }, user.active ? `${user.name} foi desativado(a).` : `${user.name} foi reativado(a).`)
  }
  const self = user.id === me.id
  return (
    <section class="card user-edit" aria-labelledby="edit-user-title" data-testid="user-edit">
      <div class="screen-head">
        <h2 id="edit-user-title" tabIndex={-1} ref={heading}>
          Editar {user.name} {!user.active && <span class="chip chip-cancelled">Inativo</span>}
        </h2>
        <button type="button" class="btn btn-ghost" onClick={onClose}>
          Fechar
        </button>
      </div>
      <ProblemNotice problem={problem} shown={FORM_FIELDS} />
      {done && (
        <p class="notice notice-ok" role="status">
          {done}
        </p>
      )}
      <form class="form office-form" onSubmit={save} noValidate aria-label={`Dados de ${user.name}`}>
        <UserFields form={form} setForm={setForm} errors={problem?.fields} stores={stores} />
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            Salvar alterações
          </button>
        </div>
      </form>
      <div class="user-account">
        <form class="form password-reset" onSubmit={resetPassword} aria-label="Redefinir senha">
          <label for="reset-password">
            Nova senha
            <input
              id="reset-password"
              type="password"
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
              minLength={8}
              required
              autocomplete="new-password"
              aria-describedby="reset-password-hint"
            />
            <span class="field-hint" id="reset-password-hint">
              Ao menos 8 caracteres.
            </span>
          </label>
          <button type="submit" class="btn" disabled={busy || !password}>
            Redefinir senha
          </button>
        </form>
        <div class="user-status">
          {self ? (
            <p class="muted">Esta é a sua conta: ela não pode ser desativada por aqui.</p>
          ) : (
            <button type="button" class={user.active ? 'btn btn-danger' : 'btn'} onClick={toggleActive} disabled={busy}>
              {user.active ? 'Desativar usuário' : 'Reativar usuário'}
            </button>
          )}
        </div>
      </div>
    </section>
  )
}

export function Users({ user: me }) {
  const [users, setUsers] = useState(null)
  const [error, setError] = useState(null)
  const [creating, setCreating] = useState(false)
  const [editing, setEditing] = useState(null)
  const [notice, setNotice] = useState('')
  useEffect(() => {
    officeApi.get('/api/users?include_inactive=true').then(setUsers, (e) => setError(problemOf(e).message))
  }, [])
  const stores = me.stores || []
  const replace = (saved) => setUsers((list) => list.map((u) => (u.id === saved.id ? saved : u)))
  const created = (user) => {
    setUsers((list) => [...list, user].sort((a, b) => a.name.localeCompare(b.name, 'pt-BR')))
    setCreating(false)
    setNotice(`${user.name} foi criado(a) como ${ROLE_LABELS[user.role]}. Informe o e-mail e a senha inicial à pessoa.`)
  }
  const current = users?.find((u) => u.id === editing)

  return (
    <>
      <div class="screen-head">
        <h1 class="screen-title">Usuários</h1>
        {!creating && (
          <button
            type="button"
            class="btn btn-primary"
            onClick={() => {
              setCreating(true)
              setEditing(null)
              setNotice('')
            }}
          >
            Novo usuário
          </button>
        )}
      </div>
      {notice && (
        <p class="notice notice-ok" role="status">
          {notice}
        </p>
      )}
      {creating && <NewUser stores={stores} onCreated={created} onCancel={() => setCreating(false)} />}
      {current && <EditUser key={current.id} user={current} me={me} stores={stores} onSaved={replace} onClose={() => setEditing(null)} />}
      {error && (
        <p class="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {!users && !error && <p role="status">Carregando os usuários…</p>}
      {users && (
        <div class="table-wrap">
          <table class="table users">
            <caption class="visually-hidden">Usuários das suas lojas, ativos e inativos</caption>
            <thead>
              <tr>
                <th scope="col">Nome</th>
                <th scope="col">E-mail</th>
                <th scope="col">Perfil</th>
                <th scope="col">Lojas</th>
                <th scope="col">Telefone</th>
                <th scope="col">Situação</th>
                <th scope="col">
                  <span class="visually-hidden">Ações</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id} class={u.active ? undefined : 'is-inactive'} data-testid="user-row">
                  <td>{u.name}</td>
                  <td class="break">{u.email}</td>
                  <td>{ROLE_LABELS[u.role] || u.role}</td>
                  <td>{storeNames(u)}</td>
                  <td class="nowrap">{u.phone ? formatPhone(u.phone) : '—'}</td>
                  <td>{u.active ? <span class="chip chip-done">Ativo</span> : <span class="chip chip-cancelled">Inativo</span>}</td>
                  <td>
                    <button
                      type="button"
                      class="btn btn-small"
                      aria-label={`Editar ${u.name}`}
                      onClick={() => {
                        setEditing(u.id)
                        setCreating(false)
                        setNotice('')
                      }}
                    >
                      Editar
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  )
}
