import { useRef, useState } from 'preact/hooks'
import { othersWaiting } from '../data/accounts.js'
import { login, LoginError, PendingWorkError } from '../data/session.js'
import { navigate } from '../lib/router.js'

export function Login({ user }) {
  const expired = new URLSearchParams(location.search).has('expirou')
  const [email, setEmail] = useState(user?.email || '')
  const [password, setPassword] = useState('')
  const [remember, setRemember] = useState(true)
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)
  // Another person's unsent work on this phone: nobody else logs in until they choose.
  const [pending, setPending] = useState(null)
  const passwordField = useRef(null)
  const waitingElsewhere = othersWaiting(localStorage)

  async function enter(sendLater) {
    setBusy(true)
    setError(null)
    try {
      const { switched } = await login(email.trim(), password, remember, { sendLater })
      const next = expired && !switched ? '/pendencias' : '/agenda'
      // Another person's database: every module opens it afresh.
      if (switched) location.assign(next)
      else navigate(next, { replace: true })
    } catch (e) {
      if (e instanceof PendingWorkError) setPending(e)
      setError(e instanceof LoginError ? e.message : 'Não foi possível entrar. Tente de novo.')
      setBusy(false)
    }
  }

  function submit(event) {
    event.preventDefault()
    enter(false)
  }

  function changeEmail(event) {
    setEmail(event.currentTarget.value)
    if (pending) {
      setPending(null) // the choice was about the e-mail typed before: asked again at "Entrar"
      setError(null)
    }
  }

  function enterAsOwner() {
    setEmail(pending.owner.email)
    setPassword('')
    setPending(null)
    setError(null)
    passwordField.current?.focus()
  }

  return (
    <main class="login">
      <img src="/icons/icon-192.png" alt="" width="72" height="72" />
      <h1>Assistec</h1>
      <p class="muted">Assistência técnica</p>
      {expired && <p class="notice">Sua sessão expirou. Entre de novo: o que você registrou continua guardado no aparelho.</p>}
      <form onSubmit={submit} class="card form">
        <label>
          E-mail
          <input type="email" name="email" autocomplete="username" required value={email} onInput={changeEmail} />
        </label>
        <label>
          Senha
          <input
            ref={passwordField}
            type="password"
            name="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <label class="check">
          <input type="checkbox" name="remember" checked={remember} onChange={(e) => setRemember(e.currentTarget.checked)} />
          Manter conectado
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {pending ? (
          <div class="actions" data-testid="handover">
            <button class="btn btn-primary btn-block" type="button" onClick={enterAsOwner} disabled={busy}>
              Entrar como {pending.owner.name}
            </button>
            <button class="btn btn-block" type="button" onClick={() => enter(true)} disabled={busy}>
              {busy ? 'Entrando…' : 'Enviar depois'}
            </button>
          </div>
        ) : (
          <button class="btn btn-primary btn-block" type="submit" disabled={busy}>
            {busy ? 'Entrando…' : 'Entrar'}
          </button>
        )}
      </form>
      <p>
        <a href="/esqueci-senha">Esqueci minha senha</a>
      </p>
      {waitingElsewhere.length > 0 && (
        <p class="muted" data-testid="waiting-elsewhere">
          Guardadas neste aparelho para enviar depois: alterações de {waitingElsewhere.map((entry) => entry.name).join(', ')}. Serão enviadas quando{' '}
          {waitingElsewhere.length > 1 ? 'cada um' : 'a pessoa'} entrar de novo.
        </p>
      )}
    </main>
  )
}
