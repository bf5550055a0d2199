// This device's Web Push subscription and the server's copy of it (docs/api.md, "Notificações").
//
// Permission is asked only from the technician's tap (`enablePush`): iOS refuses a prompt
// without one, and an unasked prompt is a nuisance. POST /api/push/subscriptions is an upsert,
// so sending the same subscription again is harmless: it is re-sent at every login (the server
// may have dropped it after a 410, or changed its key) and at start when the browser has rotated
// it since the last send (the service worker's `pushsubscriptionchange` may have failed offline).
import { ApiError, NetworkError } from './api.js'
import { NO_CONNECTION } from './problem.js'
import { getMeta, setMeta } from './db.js'
import { base64UrlToBytes, sameKey, subscriptionBody } from '../lib/webpush.js'

export function browserPush(win = globalThis) {
  const nav = /** @type {Navigator & { standalone?: boolean }} */ (win.navigator || {})
  const standalone = nav.standalone === true || Boolean(win.matchMedia?.('(display-mode: standalone)').matches)
  return {
    Notification: win.Notification,
    serviceWorker: nav.serviceWorker,
    userAgent: nav.userAgent || '',
    // iPadOS says "Macintosh"; its touch points give it away.
    ios: /iP(hone|ad|od)/.test(nav.userAgent || '') || (nav.platform === 'MacIntel' && nav.maxTouchPoints > 1),
    standalone,
    supported: Boolean(nav.serviceWorker && win.PushManager && win.Notification),
  }
}

/** 'ios-install' | 'unsupported' | 'default' | 'granted' | 'denied' */
export function pushState(env) {
  // Safari on iOS offers push only to an app added to the home screen.
  if (env.ios && !env.standalone) return 'ios-install'
  if (!env.supported) return 'unsupported'
  return env.Notification.permission
}

export function pushErrorMessage(error) {
  if (error instanceof ApiError) return error.message
  if (error instanceof NetworkError) return NO_CONNECTION
  return 'O navegador não conseguiu se inscrever no serviço de notificações agora. Tente de novo mais tarde.'
}

const listeners = new Set()

/** Told when this device gets subscribed (the refresh at login may finish after the card drew). */
export function onSubscribed(listener) {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

async function subscribeAndSend({ api, db, env, registration }) {
  const { public_key: publicKey } = await api.get('/api/push/vapid-key')
  const key = base64UrlToBytes(publicKey)
  let subscription = await registration.pushManager.getSubscription()
  if (subscription && !sameKey(subscription.options?.applicationServerKey, key)) {
    await subscription.unsubscribe()
    subscription = null
  }
  subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
  // The device's sync id, once it has one, lets the office tell this phone's deliveries apart.
  const clientId = await getMeta(db, 'client_id')
  await api.post('/api/push/subscriptions', { ...subscriptionBody(subscription, env.userAgent), ...(clientId && { client_id: clientId }) })
  await setMeta(db, 'push_endpoint', subscription.endpoint)
  for (const listener of listeners) listener()
  return subscription
}

/** Is this device subscribed (permission granted and a subscription in the browser)? */
export async function isSubscribed(env) {
  if (pushState(env) !== 'granted') return false
  const registration = await env.serviceWorker.getRegistration()
  return Boolean(registration && (await registration.pushManager.getSubscription()))
}

const SLOW = 'O serviço de notificações do navegador não respondeu. A inscrição termina sozinha se ele responder; se não, tente de novo mais tarde.'

class Slow extends Error {}

/**
 * From the "Ativar notificações" tap: ask, subscribe, tell the server. Returns {state, error?}.
 * A browser that cannot reach its push service never settles `subscribe()`: after `patience` ms
 * the technician is told so; if it does finish later, `onSubscribed` listeners hear of it.
 */
export async function enablePush({ api, db, env = browserPush(), patience = 10_000 }) {
  const state = pushState(env)
  if (state === 'unsupported' || state === 'ios-install') return { state }
  const permission = state === 'granted' ? state : await env.Notification.requestPermission()
  if (permission !== 'granted') return { state: permission }
  const done = env.serviceWorker.ready.then((registration) => subscribeAndSend({ api, db, env, registration }))
  done.catch(() => {}) // a late failure after the timeout: the message already shown stands
  let timer
  try {
    await Promise.race([done, new Promise((_, reject) => (timer = setTimeout(() => reject(new Slow()), patience)))])
    return { state: 'on' }
  } catch (error) {
    if (error instanceof Slow) return { state: 'granted', error: SLOW }
    return { state: 'granted', error: pushErrorMessage(error) }
  } finally {
    clearTimeout(timer)
  }
}

/** At login (`force`) and at start: keep the server's copy current. Never asks for permission. */
export async function refreshPush({ api, db, env = browserPush(), force = false }) {
  if (pushState(env) !== 'granted') return false
  // At a first login the worker may still be installing: wait for it instead of skipping.
  const registration = await env.serviceWorker.ready
  if (!force) {
    const current = await registration.pushManager.getSubscription()
    if (current && current.endpoint === (await getMeta(db, 'push_endpoint'))) return false
  }
  await subscribeAndSend({ api, db, env, registration })
  return true
}

/** At "Sair": the server forgets this device, and so does the browser's push service. */
export async function dropPush({ api, env = browserPush() }) {
  if (!env.supported) return
  const registration = await env.serviceWorker.getRegistration()
  const subscription = registration && (await registration.pushManager.getSubscription())
  if (!subscription) return
  try {
    await api.del('/api/push/subscriptions', { endpoint: subscription.endpoint })
  } catch {
    // Offline: unsubscribing below makes the push service answer 410, and the server then drops it.
  }
  await subscription.unsubscribe().catch(() => {})
}
