// Shown on every screen: what the sync engine is doing (sync.js's status), how many changes wait,
// when the last sync finished, and a button to sync now. The technician should never wonder
// whether their work reached the office, and never be told something the phone has not checked:
// until the outbox has been read, the badges stay empty rather than guess "Tudo enviado".
import { useEffect, useState } from 'preact/hooks'
import { getMeta } from '../data/db.js'
import { db, sync } from '../data/session.js'
import { formatDateTime, formatTime, plural } from '../lib/format.js'
import { useLive } from '../lib/live.js'

export function useSyncState() {
  const [state, setState] = useState(sync.state())
  useEffect(() => sync.subscribe(setState), [])
  return state
}

export function useOnline() {
  const [online, setOnline] = useState(navigator.onLine)
  useEffect(() => {
    const update = () => setOnline(navigator.onLine)
    window.addEventListener('online', update)
    window.addEventListener('offline', update)
    return () => {
      window.removeEventListener('online', update)
      window.removeEventListener('offline', update)
    }
  }, [])
  return online
}

/** Whole seconds until `at`, ticking every second while there is a time to count down to. */
export function useCountdown(at) {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    if (!at) return undefined
    setNow(Date.now())
    const id = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(id)
  }, [at])
  return at ? Math.max(0, Math.ceil((at - now) / 1000)) : null
}

/** "2 de 3 fotos enviadas · 45%" while photos upload (the percentage is the current photo's). */
export function photoProgress(photos) {
  if (!photos || !photos.total) return null
  const text = `${photos.done} de ${photos.total} ${photos.total === 1 ? 'foto enviada' : 'fotos enviadas'}`
  if (!photos.current || !photos.size) return text
  return `${text} · ${Math.min(100, Math.round((100 * photos.loaded) / photos.size))}%`
}

function Activity({ state }) {
  const seconds = useCountdown(state.status === 'retrying' || state.status === 'offline' || state.status === 'error' ? state.retryAt : null)
  if (state.status === 'syncing') {
    return (
      <p class="syncbar-activity" data-testid="sync-activity">
        Sincronizando…{state.photos && ` ${photoProgress(state.photos)}`}
      </p>
    )
  }
  if (seconds == null || state.status === 'idle' || state.status === 'needsLogin') return null
  return (
    <p class="syncbar-activity" data-testid="sync-activity">
      <span>{seconds > 0 ? `Tentando de novo em ${seconds} s` : 'Tentando de novo…'}</span>
      <button type="button" class="btn btn-small" onClick={() => sync.sync()}>
        Tentar agora
      </button>
    </p>
  )
}

export function SyncBar({ timeZone }) {
  const state = useSyncState()
  const online = useOnline() && state.status !== 'offline'
  // No initial value: undefined until IndexedDB answers, and nothing is claimed meanwhile.
  const counts = useLive(async () => ({ pending: await db.outbox.count(), rejected: await db.rejections.count() }), [])
  const lastSync = useLive(() => getMeta(db, 'last_sync_at'), [])
  const today = new Date().toDateString()
  const when = lastSync
    ? new Date(lastSync).toDateString() === today
      ? `hoje às ${formatTime(lastSync, timeZone)}`
      : `em ${formatDateTime(lastSync, timeZone)}`
    : 'ainda não'

  return (
    <div class="syncbar" role="status" aria-live="polite" data-status={state.status}>
      <div class="syncbar-info">
        <div class="syncbar-badges">
          {!online && <span class="badge badge-offline">Sem conexão</span>}
          {/* The badge is small; the link around it is a full 44 px touch target. */}
          {counts && (
            <a href="/pendencias" class="badge-link">
              <span class={`badge ${counts.pending ? 'badge-pending' : 'badge-ok'}`} data-testid="pending-count">
                {counts.pending ? plural(counts.pending, 'pendente', 'pendentes') : 'Tudo enviado'}
              </span>
            </a>
          )}
          {counts?.rejected > 0 && (
            <a href="/pendencias" class="badge-link">
              <span class="badge badge-error" data-testid="rejected-count">
                {plural(counts.rejected, 'recusada', 'recusadas')}
              </span>
            </a>
          )}
        </div>
        <span class="syncbar-when" data-testid="last-sync">
          {lastSync !== undefined && `Sincronizado ${when}`}
        </span>
      </div>
      {/* An icon keeps the badges on one line at 360 px; the name is for screen readers. */}
      <button
        type="button"
        class={`btn sync-button${state.syncing ? ' is-syncing' : ''}`}
        onClick={() => sync.sync()}
        disabled={state.syncing}
        aria-label={state.syncing ? 'Sincronizando…' : 'Sincronizar agora'}
        title="Sincronizar agora"
        data-testid="sync-button"
      >
        <span aria-hidden="true">↻</span>
      </button>
      <Activity state={state} />
      {state.error && <p class="syncbar-error">{state.error} Nada foi perdido.</p>}
    </div>
  )
}
