// The app shell: header, sync bar and notices around the screen the URL names.
import { SessionBanner, UpdateBanner } from './components/Banners.jsx'
import { SyncBar } from './components/SyncBar.jsx'
import { getMeta } from './data/db.js'
import { db, logout, storeTimezone } from './data/session.js'
import { useLive } from './lib/live.js'
import { match, onLinkClick, usePath } from './lib/router.js'
import { Agenda } from './screens/Agenda.jsx'
import { Login } from './screens/Login.jsx'
import { OccurrenceForm } from './screens/OccurrenceForm.jsx'
import { Pending } from './screens/Pending.jsx'
import { Visit } from './screens/Visit.jsx'

function Screen({ path, timeZone }) {
  let params
  if ((params = match('/visita/:id/ocorrencia', path))) return <OccurrenceForm key={path} visitId={Number(params.id)} />
  if ((params = match('/visita/:id', path))) return <Visit id={Number(params.id)} timeZone={timeZone} />
  if ((params = match('/pendencias/editar/:seq', path))) return <OccurrenceForm key={path} seq={Number(params.seq)} />
  if ((params = match('/pendencias/recusada/:id', path))) return <OccurrenceForm key={path} mutationId={Number(params.id)} />
  if (match('/pendencias', path)) return <Pending timeZone={timeZone} />
  return <Agenda timeZone={timeZone} />
}

export function App() {
  const path = usePath()
  const session = useLive(async () => ({ user: await getMeta(db, 'user'), signedOut: await getMeta(db, 'signed_out', false) }), [])
  if (!session) return null
  const { user, signedOut } = session
  if (!user || signedOut || path === '/login') return <Login user={user} />
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
          <button type="button" class="link" onClick={() => confirm(`Sair da conta de ${user.name}?`) && logout()}>
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
