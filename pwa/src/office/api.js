// The office reads the API directly (online only; no IndexedDB replica), with the technician
// app's client: same session cookie, same CSRF token handling, same problem+json errors.
// A 401 sends the user to the login and back to this very page afterwards.
import { ApiError } from '../data/api.js'
import { api } from '../data/session.js'
import { RETURN_KEY } from './route.js'

function onError(error) {
  if (error instanceof ApiError && error.status === 401) {
    sessionStorage.setItem(RETURN_KEY, location.pathname + location.search)
    location.assign('/login')
  }
  throw error
}

export const officeApi = {
  get: (path) => api.get(path).catch(onError),
  post: (path, body) => api.post(path, body).catch(onError),
  patch: (path, body) => api.patch(path, body).catch(onError),
  put: (path, body, headers) => api.put(path, body, headers).catch(onError),
  del: (path, body) => api.del(path, body).catch(onError),
}
