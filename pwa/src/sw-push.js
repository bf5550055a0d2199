// Web Push in the service worker (docs/api.md, "Notificações"): show what the server pushed, ask the open app to
// sync, open the visit on a tap, and keep the subscription when the browser rotates it.
import { createApi } from './data/api.js'
import { appPath, base64UrlToBytes, notificationFor, subscriptionBody } from './lib/webpush.js'

const ICON = '/icons/icon-192.png' // the manifest's icon (vite.config.js)

/** The app's windows (a tab on /api/docs or a PDF is of this origin too, but not the app). */
async function windows() {
  const all = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
  return all.filter((client) => !new URL(client.url).pathname.startsWith('/api/'))
}

async function showAndSync(payload) {
  const { title, options } = notificationFor(payload, self.location.origin, ICON)
  await self.registration.showNotification(title, options)
  // The sync engine lives in the page (data/sync.js): an open window pulls the change now. With
  // none open there is nothing to do here: the app syncs when it next opens.
  for (const client of await windows()) client.postMessage({ type: 'sync' })
}

self.addEventListener('push', (event) => {
  let payload
  try {
    payload = event.data ? event.data.json() : {}
  } catch {
    payload = { body: event.data.text() }
  }
  event.waitUntil(showAndSync(payload))
})

async function openVisit(url) {
  const path = appPath(url, self.location.origin)
  const [client] = (await windows()).sort((a, b) => Number(b.focused) - Number(a.focused))
  if (!client) return self.clients.openWindow(path)
  // The app's router changes screen without a reload (an open form keeps its draft anyway).
  client.postMessage({ type: 'open', url: path })
  // Allowed only while handling a real tap on the notification.
  return client.focus().catch(() => {})
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  event.waitUntil(openVisit(event.notification.data?.url || '/agenda'))
})

// The worker has the session cookie but not the page's copy of the CSRF token (IndexedDB, via
// Dexie): it asks the server for the session's token, which a GET needs none to read.
const api = createApi({
  fetch: (path, init) => fetch(path, init), // a worker has no XMLHttpRequest: fetch for every request
  csrf: { get: async () => (await api.get('/api/auth/me')).csrf_token, set: async () => {} },
})

// If this fails (offline, logged out), the page re-sends a rotated subscription at its next start.
async function resubscribe(event) {
  const old = event.oldSubscription
  const key = old?.options?.applicationServerKey || base64UrlToBytes((await api.get('/api/push/vapid-key')).public_key)
  const subscription = event.newSubscription || (await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }))
  await api.post('/api/push/subscriptions', subscriptionBody(subscription, navigator.userAgent))
  if (old && old.endpoint !== subscription.endpoint) {
    await api.del('/api/push/subscriptions', { endpoint: old.endpoint }).catch(() => {})
  }
}

self.addEventListener('pushsubscriptionchange', (event) => event.waitUntil(resubscribe(event)))
