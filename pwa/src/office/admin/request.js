// What the office's JSON client cannot do: a PDF answer (the layout preview, as a Blob) and a raw
// image upload (the store's logo). Same session cookie, CSRF token, problem+json errors and
// "401 → log in and come back" as officeApi.
import { ApiError, NetworkError } from '../../data/api.js'
import { getMeta, setMeta } from '../../data/db.js'
import { api, db } from '../../data/session.js'
import { sha256Hex } from '../../lib/photos.js'
import { RETURN_KEY } from '../route.js'

const isCsrfProblem = (error) => error instanceof ApiError && error.status === 400 && /\/csrf$/.test(error.problem?.type || '')

async function problemError(response) {
  let problem = {}
  try {
    problem = await response.json()
  } catch {
    // not problem+json (a proxy's page): the status says enough
  }
  return new ApiError(response.status, problem)
}

async function postForBlob(path, json, signal) {
  const token = await getMeta(db, 'csrf')
  let response
  try {
    response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      signal,
      headers: { Accept: 'application/pdf, application/problem+json', 'Content-Type': 'application/json', ...(token ? { 'X-CSRF-Token': token } : {}) },
      body: JSON.stringify(json),
    })
  } catch (error) {
    if (error?.name === 'AbortError') throw error
    throw new NetworkError(error.message)
  }
  if (!response.ok) throw await problemError(response)
  return response.blob()
}

function loginAgain(error) {
  if (error instanceof ApiError && error.status === 401) {
    sessionStorage.setItem(RETURN_KEY, location.pathname + location.search)
    location.assign('/login')
  }
  throw error
}

/** POST that answers a file (the draft layout's PDF); `signal` cancels a preview overtaken by a newer one. */
export async function fetchBlob(path, json, { signal } = {}) {
  try {
    return await postForBlob(path, json, signal)
  } catch (error) {
    if (!isCsrfProblem(error)) return loginAgain(error)
    // A stale token (a server restart, another login): fetch the session's and retry once.
    const me = await api.get('/api/auth/me').catch(loginAgain)
    await setMeta(db, 'csrf', me.csrf_token)
    return postForBlob(path, json, signal).catch(loginAgain)
  }
}

/** Upload an image as an attachment of the store (how a logo gets there); answers its id. */
export async function uploadStoreImage(file, storeId) {
  const id = crypto.randomUUID()
  const sha256 = await sha256Hex(file)
  await api
    .put(`/api/attachments/${id}?kind=signature&store_id=${storeId}`, file, { 'Content-Type': file.type || 'application/octet-stream', 'X-Content-SHA256': sha256 })
    .catch(loginAgain)
  return id
}
