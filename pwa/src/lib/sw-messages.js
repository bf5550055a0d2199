// What the service worker asks of the open app (sw-push.js): sync now, because a push arrived,
// or show a visit, because its notification was tapped.
import { navigate } from './router.js'
import { appPath } from './webpush.js'

export function listenToServiceWorker({ onSync }) {
  const container = navigator.serviceWorker
  if (!container) return
  container.addEventListener('message', (event) => {
    const { type, url } = event.data || {}
    if (type === 'sync') onSync()
    else if (type === 'open') navigate(appPath(url, location.origin))
  })
  // Messages sent before this listener existed are delivered now, not dropped.
  container.startMessages()
}
