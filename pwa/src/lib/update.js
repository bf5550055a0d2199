// Service worker registration and the "Atualização disponível" prompt.
//
// A new build installs in the background and waits. The page never reloads by itself: the
// technician may be halfway through an occurrence. They tap "Atualizar" when it suits them, and
// while a form has unsaved text the button asks them to save it first (forms also keep a draft).
import { Workbox } from 'workbox-window'

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

export function registerServiceWorker() {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return
  const wb = new Workbox('/sw.js')
  wb.addEventListener('waiting', () => {
    waitingWorker = wb
    for (const listener of listeners) listener(true)
  })
  wb.register()
}

export function applyUpdate() {
  if (!waitingWorker) return
  // Reload once the new worker controls the page, so the new shell and its assets match.
  waitingWorker.addEventListener('controlling', () => location.reload())
  waitingWorker.messageSkipWaiting()
}
