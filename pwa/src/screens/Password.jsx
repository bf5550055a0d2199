// Passwords, for the technician's app and the office alike: change one's own (forced after an
// admin's temporary one), "Esqueci minha senha" and the page its e-mailed link opens.
import { useState } from 'preact/hooks'
import { setMeta } from '../data/db.js'
import { api, db, logoutEverywhere } from '../data/session.js'
import { fieldMessage, problemOf } from '../data/problem.js'
import { Field, ProblemNotice } from '../office/fields.jsx'

const MISMATCH = { message: 'Corrija os campos indicados.', fields: { confirm: ['As duas senhas não são iguais.'] } }

/** A form's submit: runs `send`, keeping `busy` and the API's problem for the fields. */
function useSubmit(send) {
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState(null)
  async function submit(event) {
    event.preventDefault()
    setBusy(true)
    setProblem(null)
    try {
      await send(setProblem)
    } catch (error) {
      setProblem(problemOf(error))
    }
    setBusy(false)
  }
  return { busy, problem, submit }
}

export function ChangePassword({ user, forced = false }) {
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [confirm, setConfirm] = useState('')
  const [done, setDone] = useState(false)
  const { busy, problem, submit } = useSubmit(async (setProblem) => {
    if (next !== confirm) return setProblem(MISMATCH)
    const { csrf_token: csrf, ...profile } = await api.post('/api/auth/password', { current_password: current, new_password: next })
    await setMeta(db, 'csrf', csrf)
    await setMeta(db, 'user', profile) // a forced change lifts the lock: the app opens
    for (const clear of [setCurrent, setNext, setConfirm]) clear('')
    setDone(true)
  })
  const errors = problem?.fields
  return (
    <main class="login">
      <h1>{forced ? 'Crie sua senha' : 'Trocar senha'}</h1>
      {forced && <p class="notice">Sua senha foi definida por um administrador. Crie uma senha sua para continuar.</p>}
      {done && (
        <p class="notice" role="status" data-testid="password-changed">
          Senha alterada. Os outros aparelhos foram desconectados.
        </p>
      )}
      <form onSubmit={submit} class="card form">
        <ProblemNotice problem={problem} shown={['current_password', 'new_password', 'confirm']} />
        <Field
          label="Senha atual"
          path="current_password"
          errors={errors}
          type="password"
          autocomplete="current-password"
          required
          value={current}
          onInput={(e) => setCurrent(e.currentTarget.value)}
        />
        <Field
          label="Nova senha"
          path="new_password"
          errors={errors}
          type="password"
          autocomplete="new-password"
          required
          hint="Pelo menos 8 caracteres; senhas muito comuns são recusadas."
          value={next}
          onInput={(e) => setNext(e.currentTarget.value)}
        />
        <Field
          label="Repita a nova senha"
          path="confirm"
          errors={errors}
          type="password"
          autocomplete="new-password"
          required
          value={confirm}
          onInput={(e) => setConfirm(e.currentTarget.value)}
        />
        <button class="btn btn-primary btn-block" type="submit" disabled={busy}>
          {busy ? 'Salvando…' : 'Salvar nova senha'}
        </button>
      </form>
      <div class="more">
        <button type="button" class="btn btn-block" onClick={() => confirmLeave(user) && logoutEverywhere()}>
          Sair de todos os aparelhos
        </button>
        {!forced && (
          <p>
            <a href="/">Voltar</a>
          </p>
        )}
      </div>
    </main>
  )
}

function confirmLeave(user) {
  return confirm(`Desconectar ${user.name} de todos os aparelhos, inclusive deste?`)
}

export function ForgotPassword() {
  const [email, setEmail] = useState('')
  const [sent, setSent] = useState(false)
  const { busy, problem, submit } = useSubmit(async () => {
    await api.post('/api/auth/password-reset', { email: email.trim() })
    setSent(true)
  })
  return (
    <main class="login">
      <h1>Esqueci minha senha</h1>
      {sent ? (
        <p class="notice" role="status" data-testid="reset-sent">
          Se este e-mail for de um usuário, enviamos um link para criar uma nova senha. Ele vale por pouco tempo e uma só vez.
        </p>
      ) : (
        <form onSubmit={submit} class="card form">
          <ProblemNotice problem={problem} shown={['email']} />
          <Field
            label="E-mail"
            path="email"
            errors={problem?.fields}
            type="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
          <button class="btn btn-primary btn-block" type="submit" disabled={busy}>
            {busy ? 'Enviando…' : 'Enviar link'}
          </button>
        </form>
      )}
      <p>
        <a href="/login">Voltar ao login</a>
      </p>
    </main>
  )
}

export function ResetPassword() {
  const token = new URLSearchParams(location.search).get('token') || ''
  const [password, setPassword] = useState('')
  const [confirm, setConfirm] = useState('')
  const [done, setDone] = useState(false)
  const { busy, problem, submit } = useSubmit(async (setProblem) => {
    if (password !== confirm) return setProblem(MISMATCH)
    await api.post('/api/auth/password-reset/confirm', { token, password })
    setDone(true)
  })
  return (
    <main class="login">
      <h1>Nova senha</h1>
      {done ? (
        <p class="notice" role="status" data-testid="reset-done">
          Senha alterada. Entre com a nova senha; todos os aparelhos foram desconectados.
        </p>
      ) : (
        <form onSubmit={submit} class="card form">
          <ProblemNotice problem={problem} shown={['password', 'confirm', 'token']} />
          {problem?.fields?.token && (
            <p class="notice notice-error" data-testid="reset-token-refused">
              {fieldMessage(problem.fields, 'token')}
            </p>
          )}
          <Field
            label="Nova senha"
            path="password"
            errors={problem?.fields}
            type="password"
            autocomplete="new-password"
            required
            hint="Pelo menos 8 caracteres; senhas muito comuns são recusadas."
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
          <Field
            label="Repita a nova senha"
            path="confirm"
            errors={problem?.fields}
            type="password"
            autocomplete="new-password"
            required
            value={confirm}
            onInput={(e) => setConfirm(e.currentTarget.value)}
          />
          <button class="btn btn-primary btn-block" type="submit" disabled={busy}>
            {busy ? 'Salvando…' : 'Salvar nova senha'}
          </button>
        </form>
      )}
      <p>
        <a href="/login">{done ? 'Entrar' : 'Voltar ao login'}</a>
        {problem?.fields?.token && (
          <>
            {' · '}
            <a href="/esqueci-senha">Pedir outro link</a>
          </>
        )}
      </p>
    </main>
  )
}
