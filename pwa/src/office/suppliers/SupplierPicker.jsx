// The one way an office form names a supplier: a select of the store's active suppliers (by kind
// when given), bound to its path for the API's message. Its value is the supplier's id as text.
import { useEffect, useState } from 'preact/hooks'
import { Field } from '../fields.jsx'
import { LABELS } from '../../data/labels.js'
import { storeSuppliers } from './list.js'

export function SupplierPicker({ storeId, kind, label = 'Fornecedor', path, errors, value, onChange, class: className, current }) {
  const [suppliers, setSuppliers] = useState(null)
  useEffect(() => {
    storeSuppliers(storeId).then(setSuppliers, () => setSuppliers([]))
  }, [storeId])
  const shown = (suppliers || []).filter((s) => !kind || s.kind === kind)
  const missing = value && current && !shown.some((s) => String(s.id) === String(value))
  return (
    <Field
      label={label}
      path={path}
      errors={errors}
      as="select"
      value={value}
      onChange={onChange}
      class={className}
      hint={suppliers && !shown.length ? 'Cadastre em Fornecedores.' : undefined}
    >
      <option value="">{suppliers ? '— nenhum —' : 'Carregando…'}</option>
      {missing && <option value={String(value)}>{current}</option>}
      {shown.map((s) => (
        <option key={s.id} value={String(s.id)}>
          {s.name}
          {!kind && s.kind ? ` (${LABELS.supplier_kind[s.kind]})` : ''}
        </option>
      ))}
    </Field>
  )
}
