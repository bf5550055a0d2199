// The app shell: header, sync bar and notices around the screen the URL names. Schedulers and
// admins get the office instead (/escritorio…), fetched only for them (see Office below).
import { useEffect, useState } from 'preact/hooks'
import { SessionBanner, UpdateBanner } from './components/Banners.jsx'
import { SyncBar } from './components/SyncBar.jsx'
import { getMeta } from './data/db.js'
import { db, logout, logoutQuestion, storeTimezone } from './data/session.js'
import { useLive } from './lib/live.js'
import { match, navigate, onLinkClick, rememberReturn, takeReturn, usePath } from './lib/router.js'
import { Agenda } from './screens/Agenda.jsx'
import { Login } from './screens/Login.jsx'
import { OccurrenceForm } from './screens/OccurrenceForm.jsx'
import { ChangePassword, ForgotPassword, ResetPassword } from './screens/Password.jsx'
import { Pending } from './screens/Pending.jsx'
import { Visit } from './screens/Visit.jsx'

function Screen({ path, timeZone }) {
  let params
  if ((params = match('/visita/:id/ocorrencia', path))) return <OccurrenceForm key={path} visitId={Number(params.id)} />
  if ((params = match('/visita/:id/ocorrencia/:occurrenceId', path))) {
    return <OccurrenceForm key={path} visitId={Number(params.id)} occurrenceId={params.occurrenceId} />
  }
  if ((params = match('/visita/:id', path))) return <Visit id={Number(params.id)} timeZone={timeZone} />
  if ((params = match('/pendencias/editar/:seq', path))) return <OccurrenceForm key={path} seq={Number(params.seq)} />
  if ((params = match('/pendencias/recusada/:id', path))) return <OccurrenceForm key={path} mutationId={Number(params.id)} />
  if (match('/pendencias', path)) return <Pending timeZone={timeZone} />
  return <Agenda timeZone={timeZone} />
}

const OFFICE_ROLES = ['admin', 'scheduler']
const isOfficePath = (path) => path === '/escritorio' || path.startsWith('/escritorio/')

/** `to` is a path, or a function giving it (read once, when the redirect happens). */
function Redirect({ to }) {
  // eslint-disable-next-line react-hooks/exhaustive-deps -- once, on mount: `to` is read when the redirect happens
  useEffect(() => navigate(typeof to === 'function' ? to() : to, { replace: true }), [])
  return null
}

function officeHome() {
  const back = takeReturn()
  return back && isOfficePath(back.split('?')[0]) ? back : '/escritorio'
}

/** The office's code is a separate chunk, imported here only for an office user on an office URL:
 * a technician's phone never downloads it (nor does its service worker precache it). */
function Office({ user, path }) {
  const [loaded, setLoaded] = useState(null)
  useEffect(() => {
    import('./office/OfficeApp.jsx').then(
      (module) => setLoaded({ OfficeApp: module.OfficeApp }),
      () => setLoaded({ failed: true }),
    )
  }, [])
  if (!loaded) {
    return (
      <main>
        <p role="status" class="muted">
          Carregando o escritório…
        </p>
      </main>
    )
  }
  if (loaded.failed) {
    return (
      <main>
        <p class="notice notice-error" role="alert">
          Não foi possível abrir o escritório. Verifique a conexão e recarregue a página.
        </p>
      </main>
    )
  }
  return <loaded.OfficeApp user={user} path={path} />
}

export function App() {
  const path = usePath()
  const session = useLive(async () => ({ user: await getMeta(db, 'user'), signedOut: await getMeta(db, 'signed_out', false) }), [])
  if (!session) return null
  const { user, signedOut } = session
  if (path === '/esqueci-senha') return <ForgotPassword />
  if (path === '/redefinir-senha') return <ResetPassword />
  if (!user || signedOut || path === '/login') {
    if (isOfficePath(path)) rememberReturn()
    return <Login user={user} />
  }
  if (user.must_change_password || path === '/senha') return <ChangePassword user={user} forced={!!user.must_change_password} />
  if (OFFICE_ROLES.includes(user.role)) {
    return isOfficePath(path) ? <Office user={user} path={path} /> : <Redirect to={officeHome} />
  }
  if (isOfficePath(path)) return <Redirect to="/agenda" />
  const timeZone = storeTimezone(user)

  return (
    <div class="shell" onClick={onLinkClick}>
      <header class="topbar">
        <a href="/agenda" class="brand">
          Assistec
        </a>
        <nav aria-label="Principal">
          <a href="/agenda" aria-current={path === '/agenda' || path === '/' ? 'page' : undefined}>
            Agenda
          </a>
          <a href="/pendencias" aria-current={path.startsWith('/pendencias') ? 'page' : undefined}>
            Pendências
          </a>
          <button type="button" class="link" onClick={async () => confirm(await logoutQuestion(user)) && logout()}>
            Sair
          </button>
        </nav>
      </header>
      <SyncBar timeZone={timeZone} />
      <SessionBanner />
      <UpdateBanner />
      <Screen path={path} timeZone={timeZone} />
    </div>
  )
}
