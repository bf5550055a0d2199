// The service worker: serves the app shell and its hashed assets from a versioned precache, so
// the app opens with no signal. Only same-origin GETs of the build are answered here; /api is
// never cached (the data lives in IndexedDB and moves through the sync engine). Push
// notifications: sw-push.js.
import './sw-push.js'
import { clientsClaim } from 'workbox-core'
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching'
import { NavigationRoute, registerRoute } from 'workbox-routing'

precacheAndRoute(self.__WB_MANIFEST)
cleanupOutdatedCaches()
// The first install takes the open page at once, so the app works offline right after the first
// login; later versions still wait for the technician (see the message handler below).
clientsClaim()

// Every app route (/agenda, /visita/12 …) is the same shell; the router in the page picks the screen.
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//] }))

// A new version waits until the technician accepts "Atualização disponível": never reload under a form.
self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') self.skipWaiting()
})
