// The Agenda's requests go through the office's client (session cookie, CSRF token, problem+json,
// a 401 back to the login): reads, bookings (POST) and moves or transfers (PATCH).
import { officeApi } from '../api.js'

export const calendarApi = officeApi
