// Start: draw the app from IndexedDB at once (no network needed), then sync in the background.
import { render } from 'preact'
import { App } from './app.jsx'
import { getMeta } from './data/db.js'
import { connectOutbox } from './data/outbox.js'
import { refreshPush } from './data/push-subscription.js'
import { api, db, sync } from './data/session.js'
import { listenToServiceWorker } from './lib/sw-messages.js'
import { registerServiceWorker } from './lib/update.js'
import './styles.css'

// Pendências asks the server (under the sync lock) before it changes an entry that was numbered.
connectOutbox({ api, sync })
render(<App />, document.getElementById('app'))
registerServiceWorker()

// The office (schedulers, admins) reads the API directly: it keeps no replica and gets no pushes.
async function technicianLoggedIn() {
  const user = await getMeta(db, 'user')
  return user?.role === 'technician' && !(await getMeta(db, 'signed_out', false))
}

async function syncIfLoggedIn() {
  if (await technicianLoggedIn()) sync.sync()
}

syncIfLoggedIn()
listenToServiceWorker({ onSync: syncIfLoggedIn })
// A subscription the browser rotated while the app was closed reaches the server now.
technicianLoggedIn().then((yes) => yes && refreshPush({ api, db }).catch(() => {}))
// Back online: the engine starts its backoff afresh and syncs at once. Offline: it attempts
// nothing (its retries wait for this event), so work done offline is never numbered.
window.addEventListener('online', () => {
  sync.setOffline(false)
  syncIfLoggedIn()
})
window.addEventListener('offline', () => sync.setOffline(true))
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') syncIfLoggedIn()
})
// A long day with the app open in the pocket: catch up every few minutes too.
setInterval(() => navigator.onLine && syncIfLoggedIn(), 5 * 60 * 1000)
