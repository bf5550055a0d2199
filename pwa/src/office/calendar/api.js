// The Agenda's requests: officeApi for reads and POSTs; PATCH (move, reassign) with the same
// session, CSRF token and 401 handling. The shared client (data/api.js) has no PATCH — the phone
// never edits a visit — so this one is made from it with a fetch that sends its PUT as a PATCH.
import { createApi } from '../../data/api.js'
import { getMeta, setMeta } from '../../data/db.js'
import { db } from '../../data/session.js'
import { officeApi } from '../api.js'
import { RETURN_KEY } from '../route.js'

const patching = createApi({
  fetch: (url, init) => globalThis.fetch(url, init.method === 'PUT' ? { ...init, method: 'PATCH' } : init),
  csrf: { get: () => getMeta(db, 'csrf'), set: (token) => setMeta(db, 'csrf', token) },
})

function onError(error) {
  if (error?.status === 401) {
    sessionStorage.setItem(RETURN_KEY, location.pathname + location.search)
    location.assign('/login')
  }
  throw error
}

export const calendarApi = {
  get: officeApi.get,
  post: officeApi.post,
  patch: (path, body) => patching.put(path, JSON.stringify(body), { 'Content-Type': 'application/json' }).catch(onError),
}
