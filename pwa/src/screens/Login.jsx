import { useState } from 'preact/hooks'
import { login, LoginError } from '../data/session.js'
import { navigate } from '../lib/router.js'

export function Login({ user }) {
  const expired = new URLSearchParams(location.search).has('expirou')
  const [email, setEmail] = useState(user?.email || '')
  const [password, setPassword] = useState('')
  const [remember, setRemember] = useState(true)
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)

  async function submit(event) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await login(email.trim(), password, remember)
      navigate(expired ? '/pendencias' : '/agenda', { replace: true })
    } catch (e) {
      setError(e instanceof LoginError ? e.message : 'Não foi possível entrar. Tente de novo.')
      setBusy(false)
    }
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
          <input type="email" name="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          Senha
          <input type="password" name="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
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
        <button class="btn btn-primary btn-block" type="submit" disabled={busy}>
          {busy ? 'Entrando…' : 'Entrar'}
        </button>
      </form>
    </main>
  )
}
