// Service worker registration and the "Atualização disponível" prompt.
//
// A new build installs in the background and waits. The page never reloads by itself: the
// technician may be halfway through an occurrence. They tap "Atualizar" when it suits them, and
// while a form has unsaved text the button asks them to save it first (forms also keep a draft).
//
// An app left open all day must still learn of a deploy: the browser only looks for a new worker
// on navigations, so we ask it every CHECK_EVERY_MS and whenever the app comes back to the front.
import { Workbox } from 'workbox-window'

export const CHECK_EVERY_MS = 30 * 1000

let waitingWorker = null
const listeners = new Set()
let formsOpen = 0

export function onUpdateAvailable(listener) {
  listeners.add(listener)
  if (waitingWorker) listener(true)
  return () => listeners.delete(listener)
}

/** Forms call this while they hold unsaved input. */
export function holdUpdates() {
  formsOpen += 1
  return () => {
    formsOpen -= 1
  }
}

export function formIsOpen() {
  return formsOpen > 0
}

/** Ask the server for a new service worker now and then; `update()` fails quietly offline. */
export function watchForUpdates(check, { timers = globalThis, win = globalThis.window, doc = globalThis.document } = {}) {
  const quietly = () => {
    if (waitingWorker || win?.navigator?.onLine === false) return
    Promise.resolve()
      .then(check)
      .catch(() => {})
  }
  timers.setInterval(quietly, CHECK_EVERY_MS)
  win?.addEventListener('focus', quietly)
  win?.addEventListener('online', quietly)
  doc?.addEventListener('visibilitychange', () => doc.visibilityState === 'visible' && quietly())
  return quietly
}

export function registerServiceWorker() {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return
  const wb = new Workbox('/sw.js')
  wb.addEventListener('waiting', () => {
    waitingWorker = wb
    for (const listener of listeners) listener(true)
  })
  wb.register().then(() => watchForUpdates(() => wb.update()))
}

export async function applyUpdate() {
  if (!waitingWorker) return
  const worker = waitingWorker
  // Reload once the new worker controls the page, so the new shell and its assets match.
  worker.addEventListener('controlling', () => location.reload())
  // Not in the middle of a push: its answer would be lost with the page (the outbox itself is in
  // IndexedDB and survives the reload either way; this only spares a resend).
  const locks = navigator.locks
  if (locks) await locks.request('assistec-sync', async () => worker.messageSkipWaiting())
  else worker.messageSkipWaiting()
}
