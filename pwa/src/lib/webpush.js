// What the page and the service worker share about Web Push: the server's key as bytes, the
// subscription as POST /api/push/subscriptions takes it, and a pushed payload as a notification.

/** A base64url string (the VAPID public key) as the bytes `applicationServerKey` wants. */
export function base64UrlToBytes(text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4)
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
}

/** Was `subscription` made for this server key? One made for an older key gets refused pushes. */
export function sameKey(buffer, bytes) {
  if (!buffer) return false
  const a = new Uint8Array(buffer)
  return a.length === bytes.length && a.every((v, i) => v === bytes[i])
}

export function subscriptionBody(subscription, userAgent = '') {
  const { endpoint, keys = {} } = subscription.toJSON()
  return { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth }, user_agent: userAgent.slice(0, 255) }
}

/** A path of this app from a pushed URL; another origin (or garbage) opens the agenda instead. */
export function appPath(url, origin) {
  try {
    const parsed = new URL(url, origin)
    return parsed.origin === origin ? parsed.pathname + parsed.search : '/agenda'
  } catch {
    return '/agenda'
  }
}

/** The notification for a pushed payload ({title, body, appointment_id, url, kind, topic}). */
export function notificationFor(payload, origin, icon) {
  const tag = payload.topic || (payload.appointment_id != null ? `visita-${payload.appointment_id}` : undefined)
  return {
    title: payload.title || 'Assistec',
    options: {
      body: payload.body || '',
      // A newer message about the same visit replaces the unread one, and still alerts.
      tag,
      renotify: Boolean(tag),
      icon,
      lang: 'pt-BR',
      data: { url: appPath(payload.url || '/agenda', origin), appointment_id: payload.appointment_id ?? null, kind: payload.kind || null },
    },
  }
}
