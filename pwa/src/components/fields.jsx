// Form fields with their label and the API's message for them (aria-invalid + aria-describedby,
// so a screen reader reads the message with the field), and the form's problem summary. Both apps.
import { useRef } from 'preact/hooks'
import { fieldMessage, unclaimedMessages } from '../data/problem.js'

/** A form's problem summary: the API's message, plus any field message the form has no field for
 * (paths not in `shown`), so nothing is hidden. `noticeRef` lets the form focus it. */
export function ProblemNotice({ problem, shown = [], noticeRef, testId = 'form-problem' }) {
  if (!problem?.message) return null
  const leftovers = unclaimedMessages(problem.fields, shown)
  return (
    <div class="notice notice-error" role="alert" tabIndex={-1} ref={noticeRef} data-testid={testId}>
      <p>{problem.message}</p>
      {leftovers.length > 0 && (
        <ul>
          {leftovers.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
    </div>
  )
}

const idOf = (path) => `f-${path.replace(/[^\w-]/g, '-')}`

export function FieldError({ path, errors }) {
  const message = fieldMessage(errors, path)
  return message ? (
    <span class="field-error" id={`${idOf(path)}-error`}>
      {message}
    </span>
  ) : null
}

/**
 * The field's message, until its value changes: "Campo obrigatório." goes once something is typed
 * (the server judges the new value at the next submit). A new refusal (new messages) shows again.
 */
function useLiveMessage(errors, path, value) {
  const raw = errors?.[path]
  const seen = useRef({ raw: undefined, value: undefined })
  if (raw !== seen.current.raw) seen.current = { raw, value }
  return raw && value !== seen.current.value ? '' : fieldMessage(errors, path)
}

/** A labelled input (or textarea/select via `as`) bound to `path` for its error message. */
export function Field({ label, path, errors, as: Tag = 'input', class: className, hint, children, ...props }) {
  const message = useLiveMessage(errors, path, props.value)
  const id = idOf(path)
  const described = [hint && `${id}-hint`, message && `${id}-error`].filter(Boolean).join(' ') || undefined
  return (
    <label class={className} for={id}>
      {label}
      <Tag id={id} name={path} aria-invalid={message ? 'true' : undefined} aria-describedby={described} {...props}>
        {children}
      </Tag>
      {hint && (
        <span class="field-hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {message && (
        <span class="field-error" id={`${id}-error`}>
          {message}
        </span>
      )}
    </label>
  )
}

/** A form's "Cancelar" and its submit button, which says `busyText` while the request runs. */
export function FormActions({ busy, busyText = 'Salvando…', onCancel, submitClass = 'btn-primary', disabled = false, children }) {
  return (
    <div class="form-actions">
      <button type="button" class="btn btn-ghost" onClick={onCancel}>
        Cancelar
      </button>
      <button type="submit" class={`btn ${submitClass}`} disabled={busy || disabled}>
        {busy ? busyText : children}
      </button>
    </div>
  )
}
