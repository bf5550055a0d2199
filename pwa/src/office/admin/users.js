// Usuários: the pt-BR names of the roles, and what the forms send — a new user whole, an edit as
// only the fields that changed (the API refuses account fields — e-mail, role, active, password —
// for a user who also works for a store the admin does not belong to, so an unchanged role must
// not be sent along with a new phone number).
import { LABELS } from '../../data/labels.js'
import { formatPhone } from '../../lib/format.js'

export const ROLE_LABELS = LABELS.role
export const ROLES = Object.keys(ROLE_LABELS)

const digits = (text) => String(text ?? '').replace(/\D/g, '')
const sameSet = (a, b) => a.length === b.length && [...a].sort().join() === [...b].sort().join()

/** The form's starting values for a user from the API (or a blank one). */
export function userForm(user, defaultStoreIds = []) {
  return {
    name: user?.name || '',
    email: user?.email || '',
    role: user?.role || 'technician',
    phone: user?.phone ? formatPhone(user.phone) : '',
    password: '',
    store_ids: user ? user.stores.map((s) => s.id) : [...defaultStoreIds],
  }
}

/** POST /api/users body. */
export function newUserBody(form) {
  return {
    name: form.name.trim(),
    email: form.email.trim(),
    role: form.role,
    password: form.password,
    phone: form.phone.trim() || null,
    store_ids: [...form.store_ids],
  }
}

/** PATCH /api/users/<id> body: only what changed ({} when nothing did). */
export function userPatch(user, form) {
  const patch = {}
  if (form.name.trim() !== user.name) patch.name = form.name.trim()
  if (form.email.trim().toLowerCase() !== user.email.toLowerCase()) patch.email = form.email.trim()
  if (form.role !== user.role) patch.role = form.role
  if (digits(form.phone) !== digits(user.phone)) patch.phone = form.phone.trim() || null
  if (
    !sameSet(
      form.store_ids,
      user.stores.map((s) => s.id),
    )
  )
    patch.store_ids = [...form.store_ids]
  return patch
}

/** "Loja A, Loja B" (the stores the API shows: those the admin shares with the user). */
export const storeNames = (user) => user.stores.map((s) => s.name).join(', ')
