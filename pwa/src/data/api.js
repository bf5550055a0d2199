// The one HTTP client of both apps: JSON requests with the session cookie and the CSRF token (a
// stale token is fetched again once), errors as ApiError carrying the server's problem+json (pt-BR
// `detail`), and a 401 handed to `onUnauthorized` (the office sends the user to the login; the
// technician's sync keeps everything and asks for the password). Kept free of UI so tests can hand
// it a fake fetch. An upload that wants progress goes through XMLHttpRequest (fetch reports none),
// with the same headers, errors and CSRF retry as every other request.

/** @typedef {{ type?: string, title?: string, detail?: string, status?: number, errors?: Record<string, string | string[]> }} Problem */

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {Problem} [problem] the answer's problem+json
   */
  constructor(status, problem = {}) {
    super(problem.detail || problem.title || `HTTP ${status}`)
    this.status = status
    this.problem = problem
    /** @type {string | null} Retry-After: seconds or an HTTP date (sync.js reads it) */
    this.retryAfter = null
  }
}

/**
 * @typedef {object} SendOptions
 * @property {unknown} [json] the body, as JSON
 * @property {BodyInit} [body] the body as it is (a photo)
 * @property {Record<string, string>} [headers]
 * @property {(sent: number) => void} [onProgress] bytes sent so far (an upload)
 * @property {AbortSignal} [signal]
 * @property {string} [accept] what the answer should be; JSON unless said
 */

/** No answer at all (offline, DNS, connection dropped): the request may or may not have landed. */
export class NetworkError extends Error {}

/** fetch's contract over XMLHttpRequest, plus upload progress: onProgress(bytesSent). */
function xhrFetch(XHR, path, init, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XHR()
    xhr.open(init.method, path)
    xhr.withCredentials = true
    xhr.responseType = 'blob'
    for (const [name, value] of Object.entries(init.headers)) xhr.setRequestHeader(name, value)
    xhr.upload.onprogress = (event) => onProgress(event.loaded)
    xhr.onload = () => {
      const headers = new Headers()
      for (const line of xhr
        .getAllResponseHeaders()
        .trim()
        .split(/[\r\n]+/)) {
        const at = line.indexOf(':')
        if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim())
      }
      const empty = xhr.status === 204 || xhr.status === 205
      resolve(new Response(empty ? null : xhr.response, { status: xhr.status, headers }))
    }
    xhr.onerror = () => reject(new TypeError('Network request failed'))
    xhr.onabort = xhr.onerror
    xhr.ontimeout = xhr.onerror
    xhr.send(init.body)
  })
}

export const isCsrfProblem = (error) => error instanceof ApiError && error.status === 400 && /\/csrf$/.test(error.problem.type || '')

/**
 * @param {{ fetch?: typeof globalThis.fetch, csrf: { get(): Promise<string | undefined>, set(token: string): Promise<unknown> },
 *   XHR?: typeof XMLHttpRequest | null, onUnauthorized?: (error: ApiError) => void }} options
 */
export function createApi({ fetch, csrf, XHR = fetch ? null : globalThis.XMLHttpRequest, onUnauthorized }) {
  fetch = fetch || globalThis.fetch.bind(globalThis)
  /**
   * @param {string} method
   * @param {string} path
   * @param {SendOptions} [options]
   */
  async function send(method, path, { json, body, headers = {}, onProgress, signal, accept = 'application/json' } = {}) {
    /** @type {RequestInit & { headers: Record<string, string> }} */
    const init = { method, credentials: 'same-origin', signal, headers: { Accept: accept, ...headers } }
    if (json !== undefined) {
      init.body = JSON.stringify(json)
      init.headers['Content-Type'] = 'application/json'
    } else if (body !== undefined) init.body = body
    if (method !== 'GET') {
      const token = await csrf.get()
      if (token) init.headers['X-CSRF-Token'] = token
    }
    let response
    try {
      response = onProgress && XHR ? await xhrFetch(XHR, path, init, onProgress) : await fetch(path, init)
    } catch (error) {
      if (error?.name === 'AbortError') throw error // the caller cancelled it: no network trouble to report
      throw new NetworkError(error.message)
    }
    if (response.ok) return response.status === 204 ? null : accept === 'application/json' ? response.json() : response.blob()
    let problem = {}
    try {
      problem = await response.json()
    } catch {
      // a proxy's HTML error page: the status says enough
    }
    const error = new ApiError(response.status, problem)
    error.retryAfter = response.headers.get('Retry-After')
    throw error
  }

  /** @param {string} method @param {string} path @param {SendOptions} [options] */
  async function sendFresh(method, path, options) {
    try {
      return await send(method, path, options)
    } catch (error) {
      // The token is the session's; after a server restart or a new login it may be stale.
      // Fetch the current one once and retry.
      if (!isCsrfProblem(error)) throw error
      const me = await send('GET', '/api/auth/me')
      await csrf.set(me.csrf_token)
      return send(method, path, options)
    }
  }

  /** @param {string} method @param {string} path @param {SendOptions} [options] */
  async function request(method, path, options) {
    try {
      return await sendFresh(method, path, options)
    } catch (error) {
      if (onUnauthorized && error instanceof ApiError && error.status === 401) onUnauthorized(error)
      throw error
    }
  }

  return {
    /** @param {string} path */
    get: (path) => request('GET', path),
    /** @param {string} path @param {unknown} [json] */
    post: (path, json) => request('POST', path, { json }),
    /** @param {string} path @param {unknown} [json] */
    patch: (path, json) => request('PATCH', path, { json }),
    /**
     * @param {string} path
     * @param {BodyInit} body
     * @param {Record<string, string>} [headers]
     * @param {{ onProgress?: (sent: number) => void }} [options]
     */
    put: (path, body, headers, { onProgress } = {}) => request('PUT', path, { body, headers, onProgress }),
    /**
     * POST a file as the body (an import's CSV or XLSX); answers JSON.
     * @param {string} path
     * @param {BodyInit} body
     * @param {Record<string, string>} [headers]
     */
    postFile: (path, body, headers) => request('POST', path, { body, headers }),
    /** @param {string} path @param {unknown} [json] */
    del: (path, json) => request('DELETE', path, { json }),
    /**
     * POST that answers a file (a PDF preview); `signal` cancels one overtaken by a newer one.
     * @param {string} path
     * @param {unknown} json
     * @param {{ signal?: AbortSignal, accept?: string }} [options]
     * @returns {Promise<Blob>}
     */
    postForBlob: (path, json, { signal, accept = 'application/pdf' } = {}) =>
      request('POST', path, { json, signal, accept: `${accept}, application/problem+json` }),
  }
}
