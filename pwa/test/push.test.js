// Web Push on the page: permission only from a tap, subscribe with the server's key, keep the
// server's copy current at login and start, forget it at logout; and the shared helpers.
import { beforeEach, describe, expect, it } from 'vitest'
import { createApi } from '../src/data/api.js'
import { getMeta, openDatabase, setMeta } from '../src/data/db.js'
import { dropPush, enablePush, onSubscribed, pushState, refreshPush } from '../src/data/push-subscription.js'
import { appPath, base64UrlToBytes, notificationFor } from '../src/lib/webpush.js'

// 65 bytes (an uncompressed P-256 point) with "-" and "_" in its base64url form.
const KEY_BYTES = Uint8Array.from({ length: 65 }, (_, i) => (i * 37 + 251) % 256)
const KEY = btoa(String.fromCharCode(...KEY_BYTES))
  .replace(/\+/g, '-')
  .replace(/\//g, '_')
  .replace(/=+$/, '')
const OLD_KEY = new Uint8Array(65).fill(4)

function fakeSubscription(endpoint, key) {
  return {
    endpoint,
    options: { applicationServerKey: key.buffer },
    unsubscribed: false,
    async unsubscribe() {
      this.unsubscribed = true
      return true
    },
    toJSON() {
      return { endpoint, expirationTime: null, keys: { p256dh: 'BPk', auth: 'au' } }
    },
  }
}

function fakeBrowser({ permission = 'default', answer = 'granted', existing = null, failSubscribe = false, slow = null, ...rest } = {}) {
  const calls = { permission: 0, subscribe: [] }
  let n = 0
  const pushManager = {
    current: existing,
    async getSubscription() {
      return this.current
    },
    async subscribe(options) {
      calls.subscribe.push(options)
      if (failSubscribe) throw new DOMException('Registration failed - push service not available', 'AbortError')
      if (slow) await slow
      this.current = fakeSubscription(`https://push.example/sub/${++n}`, options.applicationServerKey)
      return this.current
    },
  }
  const registration = { active: {}, pushManager }
  const Notification = {
    permission,
    async requestPermission() {
      calls.permission += 1
      Notification.permission = answer
      return answer
    },
  }
  const env = {
    Notification,
    serviceWorker: { ready: Promise.resolve(registration), getRegistration: async () => registration },
    userAgent: 'Mozilla/5.0 (Linux; Android 14) Chrome/156',
    ios: false,
    standalone: false,
    supported: true,
    ...rest,
  }
  return { env, calls, pushManager }
}

function fakeServer({ failPost = null, offline = false } = {}) {
  const requests = []
  const fetch = async (path, init) => {
    requests.push({ method: init.method, path, body: init.body && JSON.parse(init.body), csrf: init.headers['X-CSRF-Token'] })
    if (offline) throw new TypeError('Failed to fetch')
    const json = (status, body) => new Response(body && JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
    if (path === '/api/push/vapid-key') return json(200, { public_key: KEY })
    if (path === '/api/push/subscriptions' && init.method === 'POST') return failPost ? json(failPost.status, failPost) : json(201, {})
    if (path === '/api/push/subscriptions' && init.method === 'DELETE') return new Response(null, { status: 204 })
    return json(404, { title: 'Não encontrado' })
  }
  return { requests, api: createApi({ fetch, csrf: { get: async () => 'tok', set: async () => {} } }) }
}

let db
let counter = 0
beforeEach(() => {
  db = openDatabase(`push-${++counter}`)
})

describe('pushState', () => {
  it('says what the control can offer', () => {
    expect(pushState(fakeBrowser({ ios: true, supported: false }).env)).toBe('ios-install')
    expect(pushState(fakeBrowser({ ios: true, standalone: true, permission: 'granted' }).env)).toBe('granted')
    expect(pushState(fakeBrowser({ supported: false }).env)).toBe('unsupported')
    expect(pushState(fakeBrowser({ permission: 'denied' }).env)).toBe('denied')
  })
})

describe('enablePush (the tap on "Ativar notificações")', () => {
  it('asks, subscribes with the server key and posts the subscription', async () => {
    const { env, calls } = fakeBrowser()
    const server = fakeServer()
    expect(await enablePush({ api: server.api, db, env })).toEqual({ state: 'on' })
    expect(calls.permission).toBe(1)
    expect(calls.subscribe).toHaveLength(1)
    expect(calls.subscribe[0].userVisibleOnly).toBe(true)
    expect([...calls.subscribe[0].applicationServerKey]).toEqual([...KEY_BYTES])
    const post = server.requests.find((r) => r.method === 'POST')
    expect(post).toEqual({
      method: 'POST',
      path: '/api/push/subscriptions',
      csrf: 'tok',
      body: { endpoint: 'https://push.example/sub/1', keys: { p256dh: 'BPk', auth: 'au' }, user_agent: env.userAgent },
    })
    expect(await getMeta(db, 'push_endpoint')).toBe('https://push.example/sub/1')
  })

  it('does nothing more when the technician refuses', async () => {
    const { env, calls } = fakeBrowser({ answer: 'denied' })
    const server = fakeServer()
    expect(await enablePush({ api: server.api, db, env })).toEqual({ state: 'denied' })
    expect(calls.subscribe).toHaveLength(0)
    expect(server.requests).toHaveLength(0)
  })

  it('never prompts where push needs the app on the home screen, or is missing', async () => {
    for (const options of [{ ios: true, supported: false }, { supported: false }]) {
      const { env, calls } = fakeBrowser(options)
      const result = await enablePush({ api: fakeServer().api, db, env })
      expect(['ios-install', 'unsupported']).toContain(result.state)
      expect(calls.permission).toBe(0)
    }
  })

  it('reports a push service failure and the server refusal in pt-BR', async () => {
    const failing = fakeBrowser({ failSubscribe: true })
    const one = await enablePush({ api: fakeServer().api, db, env: failing.env })
    expect(one.state).toBe('granted')
    expect(one.error).toMatch(/não conseguiu se inscrever/)

    const refused = fakeServer({ failPost: { status: 422, title: 'Dados inválidos', detail: 'Endereço de notificação recusado.' } })
    const two = await enablePush({ api: refused.api, db, env: fakeBrowser({ permission: 'granted' }).env })
    expect(two).toEqual({ state: 'granted', error: 'Endereço de notificação recusado.' })
    expect(await getMeta(db, 'push_endpoint')).toBeNull()
  })

  it('tells the technician when the push service does not answer, and finishes if it answers later', async () => {
    let answer
    const { env } = fakeBrowser({ permission: 'granted', slow: new Promise((resolve) => (answer = resolve)) })
    const server = fakeServer()
    const result = await enablePush({ api: server.api, db, env, patience: 5 })
    expect(result.state).toBe('granted')
    expect(result.error).toMatch(/não respondeu/)
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(0)
    const subscribed = new Promise((resolve) => onSubscribed(resolve))
    answer()
    await subscribed
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
  })
})

describe('refreshPush (login and start)', () => {
  it('never asks for permission', async () => {
    const { env, calls } = fakeBrowser({ permission: 'default' })
    const server = fakeServer()
    expect(await refreshPush({ api: server.api, db, env, force: true })).toBe(false)
    expect(calls.permission).toBe(0)
    expect(server.requests).toHaveLength(0)
  })

  it('at a first login, waits for the service worker still installing instead of skipping', async () => {
    const { env } = fakeBrowser({ permission: 'granted' })
    let activate
    const installing = { pushManager: (await env.serviceWorker.ready).pushManager } // not active yet
    env.serviceWorker = {
      ready: new Promise((resolve) => (activate = () => resolve({ ...installing, active: {} }))),
      getRegistration: async () => installing,
    }
    const server = fakeServer()
    const refreshed = refreshPush({ api: server.api, db, env, force: true })
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(server.requests).toHaveLength(0)
    activate()
    expect(await refreshed).toBe(true)
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
  })

  it('at start, sends only a subscription the browser rotated since the last send', async () => {
    const { env, pushManager } = fakeBrowser({ permission: 'granted', existing: fakeSubscription('https://push.example/a', KEY_BYTES) })
    await setMeta(db, 'push_endpoint', 'https://push.example/a')
    const server = fakeServer()
    expect(await refreshPush({ api: server.api, db, env })).toBe(false)
    expect(server.requests).toHaveLength(0)

    pushManager.current = fakeSubscription('https://push.example/b', KEY_BYTES) // rotated by the browser
    expect(await refreshPush({ api: server.api, db, env })).toBe(true)
    expect(server.requests.filter((r) => r.method === 'POST').map((r) => r.body.endpoint)).toEqual(['https://push.example/b'])
    expect(await getMeta(db, 'push_endpoint')).toBe('https://push.example/b')
  })

  it('at login, re-sends, and replaces a subscription made for another server key', async () => {
    const old = fakeSubscription('https://push.example/old', OLD_KEY)
    const { env, calls } = fakeBrowser({ permission: 'granted', existing: old })
    await setMeta(db, 'push_endpoint', 'https://push.example/old')
    await setMeta(db, 'client_id', '6f1c2a3e-0d4b-4e59-9a7e-2b8c1d0e4f55')
    const server = fakeServer()
    expect(await refreshPush({ api: server.api, db, env, force: true })).toBe(true)
    expect(old.unsubscribed).toBe(true)
    expect(calls.subscribe).toHaveLength(1)
    expect(server.requests.find((r) => r.method === 'POST').body).toMatchObject({
      endpoint: 'https://push.example/sub/1',
      client_id: '6f1c2a3e-0d4b-4e59-9a7e-2b8c1d0e4f55',
    })
  })
})

describe('dropPush (Sair)', () => {
  it('deletes the server copy and unsubscribes', async () => {
    const subscription = fakeSubscription('https://push.example/a', KEY_BYTES)
    const { env } = fakeBrowser({ permission: 'granted', existing: subscription })
    const server = fakeServer()
    await dropPush({ api: server.api, env })
    expect(server.requests).toEqual([{ method: 'DELETE', path: '/api/push/subscriptions', csrf: 'tok', body: { endpoint: 'https://push.example/a' } }])
    expect(subscription.unsubscribed).toBe(true)
  })

  it('still unsubscribes offline (the push service then answers 410 and the server drops it)', async () => {
    const subscription = fakeSubscription('https://push.example/a', KEY_BYTES)
    const { env } = fakeBrowser({ permission: 'granted', existing: subscription })
    await dropPush({ api: fakeServer({ offline: true }).api, env })
    expect(subscription.unsubscribed).toBe(true)
  })
})

describe('shared helpers', () => {
  it('decodes a base64url key', () => {
    expect([...base64UrlToBytes(KEY)]).toEqual([...KEY_BYTES])
    expect(KEY).toMatch(/[-_]/)
  })

  it('turns a payload into a notification that replaces an older one about the same visit', () => {
    const payload = {
      title: 'Nova visita: Maria Souza',
      body: 'amanhã 09:00, Centro',
      appointment_id: 12,
      url: '/visita/12',
      kind: 'assigned',
      topic: 'appt-12',
    }
    const { title, options } = notificationFor(payload, 'https://app.example', '/icons/icon-192.png')
    expect(title).toBe('Nova visita: Maria Souza')
    expect(options).toMatchObject({ body: 'amanhã 09:00, Centro', tag: 'appt-12', renotify: true, icon: '/icons/icon-192.png' })
    expect(options.data).toEqual({ url: '/visita/12', appointment_id: 12, kind: 'assigned' })
    expect(notificationFor({ appointment_id: 3 }, 'https://app.example').options.tag).toBe('visita-3')
  })

  it('opens only paths of this app', () => {
    expect(appPath('/visita/12', 'https://app.example')).toBe('/visita/12')
    expect(appPath('https://app.example/visita/9?x=1', 'https://app.example')).toBe('/visita/9?x=1')
    expect(appPath('https://evil.example/visita/9', 'https://app.example')).toBe('/agenda')
    expect(appPath('http://[bad', 'https://app.example')).toBe('/agenda')
  })
})
