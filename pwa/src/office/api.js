// The office reads the API directly (online only; no IndexedDB replica), with the technician
// app's client and session (cookie, CSRF token, problem+json errors). A 401 sends the user to the
// login and back to this very page afterwards.
import { createApi } from '../data/api.js'
import { csrfStore } from '../data/session.js'
import { rememberReturn } from '../lib/router.js'

export const officeApi = createApi({
  csrf: csrfStore,
  onUnauthorized: () => {
    rememberReturn()
    location.assign('/login')
  },
})
