// Form fields with their label and the API's message for them (aria-invalid + aria-describedby,
// so a screen reader reads the message with the field).
import { useRef } from 'preact/hooks'
import { fieldMessage, unclaimedMessages } from './errors.js'
import { UFS } from './labels.js'

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

export const EMPTY_ADDRESS = Object.freeze({ cep: '', street: '', number: '', complement: '', district: '', city: '', state: '' })

/** The address as the API wants it, or null when every field is blank. */
export function addressForApi(address) {
  const trimmed = Object.fromEntries(Object.entries(address || {}).map(([k, v]) => [k, String(v ?? '').trim()]))
  if (!Object.values(trimmed).some(Boolean)) return null
  return { ...trimmed, complement: trimmed.complement || null }
}

/** An address from the API into the form (CEP and the rest as text). */
export function addressForForm(address) {
  return { ...EMPTY_ADDRESS, ...Object.fromEntries(Object.entries(address || {}).map(([k, v]) => [k, v ?? ''])) }
}

export function AddressFields({ legend, prefix, value, onChange, errors, hint }) {
  const set = (name) => (event) => onChange({ ...value, [name]: event.currentTarget.value })
  const field = (name, label, props = {}) => (
    <Field label={label} path={`${prefix}.${name}`} errors={errors} value={value[name]} onInput={set(name)} {...props} />
  )
  return (
    <fieldset class="address">
      <legend>{legend}</legend>
      {hint && <p class="field-hint">{hint}</p>}
      <FieldError path={prefix} errors={errors} />
      <div class="grid grid-address">
        {field('cep', 'CEP', { inputMode: 'numeric', autocomplete: 'off', class: 'span-2' })}
        {field('street', 'Logradouro', { class: 'span-4' })}
        {field('number', 'Número', { class: 'span-1' })}
        {field('complement', 'Complemento', { class: 'span-2' })}
        {field('district', 'Bairro', { class: 'span-3' })}
        {field('city', 'Cidade', { class: 'span-4' })}
        <Field label="UF" path={`${prefix}.state`} errors={errors} as="select" value={value.state} onChange={set('state')} class="span-2">
          <option value="">—</option>
          {UFS.map((uf) => (
            <option key={uf} value={uf}>
              {uf}
            </option>
          ))}
        </Field>
      </div>
    </fieldset>
  )
}
