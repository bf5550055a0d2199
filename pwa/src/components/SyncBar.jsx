// Shown on every screen: is there signal, how many changes wait, when the last sync finished,
// and a button to sync now. The technician should never wonder whether their work reached the office.
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

export function SyncBar({ timeZone }) {
  const state = useSyncState()
  const online = useOnline() && !state.offline
  const counts = useLive(async () => ({ pending: await db.outbox.count(), rejected: await db.rejections.count() }), [], {
    pending: 0,
    rejected: 0,
  })
  const lastSync = useLive(() => getMeta(db, 'last_sync_at'), [])
  const today = new Date().toDateString()
  const when = lastSync
    ? new Date(lastSync).toDateString() === today
      ? `hoje às ${formatTime(lastSync, timeZone)}`
      : `em ${formatDateTime(lastSync, timeZone)}`
    : 'ainda não'

  return (
    <div class="syncbar" role="status" aria-live="polite">
      <div class="syncbar-info">
        <div class="syncbar-badges">
          {!online && <span class="badge badge-offline">Sem conexão</span>}
          {/* The badge is small; the link around it is a full 44 px touch target. */}
          <a href="/pendencias" class="badge-link">
            <span class={`badge ${counts.pending ? 'badge-pending' : 'badge-ok'}`} data-testid="pending-count">
              {counts.pending ? plural(counts.pending, 'pendente', 'pendentes') : 'Tudo enviado'}
            </span>
          </a>
          {counts.rejected > 0 && (
            <a href="/pendencias" class="badge-link">
              <span class="badge badge-error" data-testid="rejected-count">
                {plural(counts.rejected, 'recusada', 'recusadas')}
              </span>
            </a>
          )}
        </div>
        <span class="syncbar-when" data-testid="last-sync">
          Sincronizado {when}
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
      {state.error && <p class="syncbar-error">{state.error} Nova tentativa em instantes; nada foi perdido.</p>}
    </div>
  )
}
