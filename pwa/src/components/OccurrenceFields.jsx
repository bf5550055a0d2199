// Form pieces of the occurrence screen: a labelled select and one item's fields.
import { ACTIONS } from '../data/labels.js'
import { contractItemOptions, linkContractItem } from '../data/occurrence-form.js'

export function Select({ label, name, value, options, onChange, error, required }) {
  return (
    <label>
      <span>
        {label}
        {required && <span aria-hidden="true"> *</span>}
      </span>
      <select name={name} value={value} onChange={(e) => onChange(e.currentTarget.value)} aria-invalid={Boolean(error)} required={required}>
        <option value="">Selecione…</option>
        {options.map(([id, text]) => (
          <option key={id} value={id}>
            {text}
          </option>
        ))}
      </select>
      {error && <span class="field-error">{error}</span>}
    </label>
  )
}

export function ItemEditor({ item, index, errors, contract, onChange, onRemove }) {
  const set = (field) => (e) => onChange({ ...item, [field]: e.currentTarget.value })
  const sold = contractItemOptions(contract)
  return (
    <fieldset class="item card" data-testid="item">
      <legend>Item {index + 1}</legend>
      {sold.length > 0 && (
        <label>
          Item do contrato
          <select
            name={`item-${index}-contract_item_id`}
            value={item.contract_item_id == null ? '' : String(item.contract_item_id)}
            onChange={(e) => onChange(linkContractItem(item, contract, e.currentTarget.value))}
          >
            <option value="">—</option>
            {sold.map(([id, text]) => (
              <option key={id} value={id}>
                {text}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Descrição *
        <input
          name={`item-${index}-description`}
          value={item.description}
          onInput={set('description')}
          aria-invalid={Boolean(errors[`items.${index}.description`])}
        />
        {errors[`items.${index}.description`] && <span class="field-error">{errors[`items.${index}.description`]}</span>}
      </label>
      <div class="row">
        <label>
          Quantidade *
          <input
            name={`item-${index}-quantity`}
            inputMode="decimal"
            value={item.quantity}
            onInput={set('quantity')}
            aria-invalid={Boolean(errors[`items.${index}.quantity`])}
          />
        </label>
        <label>
          Unidade
          <input name={`item-${index}-unit`} value={item.unit} onInput={set('unit')} />
        </label>
      </div>
      {errors[`items.${index}.quantity`] && <span class="field-error">{errors[`items.${index}.quantity`]}</span>}
      <label>
        Ação
        <select name={`item-${index}-action`} value={item.action} onChange={set('action')}>
          {Object.entries(ACTIONS).map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
      </label>
      <div class="row">
        <label>
          Código
          <input name={`item-${index}-code`} value={item.code} onInput={set('code')} />
        </label>
        <label>
          Custo unitário (R$)
          <input name={`item-${index}-unit_cost`} inputMode="decimal" placeholder="0,00" value={item.unit_cost} onInput={set('unit_cost')} />
        </label>
      </div>
      <label>
        Fornecedor
        <input name={`item-${index}-supplier`} list="supplier-names" autocomplete="off" value={item.supplier} onInput={set('supplier')} />
      </label>
      <button type="button" class="btn btn-small btn-ghost" onClick={onRemove}>
        Remover item
      </button>
    </fieldset>
  )
}
