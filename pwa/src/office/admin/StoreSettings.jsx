// Loja: the store's name, CNPJ, contacts, address, time zone and CDC repair deadline, and the logo
// printed on its documents (uploaded as an image attachment of the store, then set as `logo_id`).
import { useEffect, useState } from 'preact/hooks'
import { setMeta } from '../../data/db.js'
import { api, db } from '../../data/session.js'
import { officeApi } from '../api.js'
import { problemOf } from '../../data/problem.js'
import { AddressFields, Field, ProblemNotice } from '../fields.jsx'
import { uploadStoreImage } from './request.js'
import { storeBody, storeForm, timezoneOptions } from './store-settings.js'

const SHOWN = ['name', 'cnpj', 'phone', 'email', 'timezone', 'repair_deadline_days', 'address', 'logo_id']
const IMAGE_TYPES = 'image/png,image/jpeg,image/webp'

/** The session's copy of the user carries their stores (name, time zone): refresh it after a change. */
async function refreshSessionUser() {
  const { csrf_token: csrf, ...profile } = await api.get('/api/auth/me')
  await setMeta(db, 'csrf', csrf)
  await setMeta(db, 'user', profile)
}

function Logo({ store, onChanged }) {
  const [problem, setProblem] = useState(null)
  const [busy, setBusy] = useState(false)
  const change = async (logoId) => {
    setBusy(true)
    setProblem(null)
    try {
      onChanged(await officeApi.patch(`/api/stores/${store.id}`, { logo_id: logoId }))
    } catch (error) {
      setProblem(problemOf(error))
    } finally {
      setBusy(false)
    }
  }
  const upload = async (event) => {
    const file = event.currentTarget.files?.[0]
    event.currentTarget.value = ''
    if (!file) return
    setBusy(true)
    setProblem(null)
    try {
      const id = await uploadStoreImage(file, store.id)
      onChanged(await officeApi.patch(`/api/stores/${store.id}`, { logo_id: id }))
    } catch (error) {
      const p = problemOf(error)
      setProblem(p.status === 415 ? { ...p, message: 'Envie uma imagem PNG, JPEG ou WebP.' } : p)
    } finally {
      setBusy(false)
    }
  }
  const message = problem && [problem.message, ...Object.values(problem.fields || {}).flat()].join(' ')
  return (
    <section class="card store-logo" aria-labelledby="logo-title">
      <h2 id="logo-title">Logotipo</h2>
      <p class="field-hint">Sai no cabeçalho dos documentos impressos (PNG mantém o fundo transparente).</p>
      <div class="logo-preview">
        {store.logo_id ? (
          <img src={`/api/attachments/${store.logo_id}`} alt={`Logotipo de ${store.name}`} data-testid="logo-preview" />
        ) : (
          <span class="muted">Nenhum logotipo enviado.</span>
        )}
      </div>
      {message && (
        <p class="notice notice-error" role="alert">
          {message}
        </p>
      )}
      <div class="actions">
        <label class="btn file-button">
          {busy ? 'Enviando…' : store.logo_id ? 'Trocar logotipo' : 'Enviar logotipo'}
          <input type="file" accept={IMAGE_TYPES} onChange={upload} disabled={busy} aria-label="Arquivo do logotipo" />
        </label>
        {store.logo_id && (
          <button type="button" class="btn btn-danger" disabled={busy} onClick={() => confirm('Remover o logotipo dos documentos?') && change(null)}>
            Remover logotipo
          </button>
        )}
      </div>
    </section>
  )
}

export function StoreSettings({ storeId }) {
  const [store, setStore] = useState(null)
  const [form, setForm] = useState(null)
  const [problem, setProblem] = useState(null)
  const [loadError, setLoadError] = useState(null)
  const [saved, setSaved] = useState(false)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    officeApi.get(`/api/stores/${storeId}`).then(
      (s) => {
        setStore(s)
        setForm(storeForm(s))
      },
      (e) => setLoadError(problemOf(e).message),
    )
  }, [storeId])
  if (loadError)
    return (
      <p class="notice notice-error" role="alert">
        {loadError}
      </p>
    )
  if (!form) return <p role="status">Carregando a loja…</p>

  const set = (name) => (event) => {
    setSaved(false)
    setForm({ ...form, [name]: event.currentTarget.value })
  }
  const submit = async (event) => {
    event.preventDefault()
    setBusy(true)
    setProblem(null)
    setSaved(false)
    try {
      const updated = await officeApi.patch(`/api/stores/${storeId}`, storeBody(form))
      setStore(updated)
      setForm(storeForm(updated))
      setSaved(true)
      refreshSessionUser().catch(() => {})
    } catch (error) {
      setProblem(problemOf(error))
    } finally {
      setBusy(false)
    }
  }
  const errors = problem?.fields
  const shown = [...SHOWN, ...Object.keys(errors || {}).filter((p) => p.startsWith('address.'))]
  return (
    <>
      <h1 class="screen-title">Loja</h1>
      <div class="store-layout">
        <form class="card form office-form store-form" onSubmit={submit} noValidate aria-label="Dados da loja">
          <ProblemNotice problem={problem} shown={shown} />
          {saved && (
            <p class="notice notice-ok" role="status">
              Dados da loja salvos.
            </p>
          )}
          <div class="grid">
            <Field label="Nome" path="name" errors={errors} value={form.name} onInput={set('name')} required class="span-4" />
            <Field label="CNPJ" path="cnpj" errors={errors} value={form.cnpj} onInput={set('cnpj')} class="span-2" />
            <Field label="Telefone" path="phone" errors={errors} type="tel" value={form.phone} onInput={set('phone')} class="span-2" />
            <Field label="E-mail" path="email" errors={errors} type="email" value={form.email} onInput={set('email')} class="span-4" />
            <Field label="Fuso horário" path="timezone" errors={errors} as="select" value={form.timezone} onChange={set('timezone')} class="span-4">
              {timezoneOptions(store.timezone).map(([zone, label]) => (
                <option key={zone} value={zone}>
                  {label}
                </option>
              ))}
            </Field>
            <Field
              label="Prazo de reparo (dias)"
              path="repair_deadline_days"
              errors={errors}
              type="number"
              min={7}
              max={180}
              value={form.repair_deadline_days}
              onInput={set('repair_deadline_days')}
              hint="CDC, art. 18: 30 dias, ou de 7 a 180 se combinado com o cliente. Vale para as novas assistências."
              class="span-2"
            />
          </div>
          <AddressFields legend="Endereço" prefix="address" value={form.address} errors={errors} onChange={(address) => setForm({ ...form, address })} />
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {busy ? 'Salvando…' : 'Salvar'}
            </button>
          </div>
        </form>
        <Logo store={store} onChanged={setStore} />
      </div>
    </>
  )
}
