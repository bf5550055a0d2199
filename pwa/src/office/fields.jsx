// The office's address fields (CEP, logradouro, …, UF), on the shared labelled fields.
import { Field, FieldError } from '../components/fields.jsx'
import { UFS } from './labels.js'

export { Field, FieldError, ProblemNotice } from '../components/fields.jsx'

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
