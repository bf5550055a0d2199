// Administração (admin only): users, catalogs, the store's settings, print layouts and the sent
// e-mails, each at its own URL under /escritorio/admin. Anyone else gets a "sem permissão" page
// (the API refuses them with 403 anyway). With several stores, the store being administered is
// picked here and kept for the browser tab.
import { useEffect, useState } from 'preact/hooks'
import { match } from '../../lib/router.js'
import './admin.css'
import { Catalogs } from './Catalogs.jsx'
import { LayoutEditor } from './LayoutEditor.jsx'
import { Layouts } from './Layouts.jsx'
import { Outbox } from './Outbox.jsx'
import { StoreSettings } from './StoreSettings.jsx'
import { Users } from './Users.jsx'

const STORE_KEY = 'assistec:admin-store'

export const ADMIN_SECTIONS = [
  ['usuarios', 'Usuários'],
  ['cadastros', 'Cadastros'],
  ['loja', 'Loja'],
  ['layouts', 'Layouts de impressão'],
  ['emails', 'E-mails enviados'],
]

function screenFor(path, search, store, user, timeZone) {
  let params
  if (match('/escritorio/admin/usuarios', path) || match('/escritorio/admin', path)) return ['usuarios', <Users user={user} />]
  if ((params = match('/escritorio/admin/cadastros/:slug', path)) || match('/escritorio/admin/cadastros', path)) {
    return ['cadastros', <Catalogs key={store.id} slug={params?.slug} store={store} />]
  }
  if (match('/escritorio/admin/loja', path)) return ['loja', <StoreSettings key={store.id} storeId={store.id} />]
  if (match('/escritorio/admin/layouts/novo', path)) {
    return ['layouts', <LayoutEditor key={`novo-${store.id}`} store={store} kind={new URLSearchParams(search).get('tipo')} />]
  }
  if ((params = match('/escritorio/admin/layouts/:id', path)) && /^\d+$/.test(params.id)) {
    return ['layouts', <LayoutEditor key={params.id} store={store} id={Number(params.id)} />]
  }
  if (match('/escritorio/admin/layouts', path)) return ['layouts', <Layouts key={store.id} store={store} />]
  if (match('/escritorio/admin/emails', path)) return ['emails', <Outbox timeZone={timeZone} />]
  return [null, null]
}

export function NoPermission() {
  return (
    <section class="card no-permission" aria-labelledby="no-permission-title">
      <h1 id="no-permission-title" class="screen-title">
        Sem permissão
      </h1>
      <p>A Administração é só para administradores. Se você precisa alterar usuários, cadastros ou layouts, fale com o administrador da loja.</p>
      <p>
        <a class="btn" href="/escritorio">
          Voltar ao painel
        </a>
      </p>
    </section>
  )
}

export function AdminApp({ user, path, search, timeZone }) {
  const stores = user.stores || []
  const [storeId, setStoreId] = useState(() => Number(sessionStorage.getItem(STORE_KEY)) || stores[0]?.id)
  const store = stores.find((s) => s.id === storeId) || stores[0]
  const [section, screen] = user.role === 'admin' && store ? screenFor(path, search, store, user, store.timezone || timeZone) : [null, null]
  const title = ADMIN_SECTIONS.find(([key]) => key === section)?.[1]
  useEffect(() => {
    document.title = `${title ? `${title} · ` : ''}Administração — Assistec`
  }, [title])

  if (user.role !== 'admin') return <NoPermission />
  if (!screen) {
    return (
      <p class="notice" role="alert">
        Página não encontrada. <a href="/escritorio/admin">Ir para a Administração</a>
      </p>
    )
  }
  const pick = (event) => {
    const id = Number(event.currentTarget.value)
    sessionStorage.setItem(STORE_KEY, String(id))
    setStoreId(id)
  }
  return (
    <div class="admin">
      <div class="admin-head">
        <nav class="tabs admin-tabs" aria-label="Administração">
          {ADMIN_SECTIONS.map(([key, label]) => (
            <a key={key} href={`/escritorio/admin/${key}`} aria-current={section === key ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        {stores.length > 1 && section !== 'usuarios' && section !== 'emails' && (
          <label class="admin-store">
            Loja
            <select value={String(store.id)} onChange={pick}>
              {stores.map((s) => (
                <option key={s.id} value={String(s.id)}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {screen}
    </div>
  )
}
