// The office in the browser (schedulers and admins): its own header and screens, loaded by the
// app shell with a dynamic import() only on /escritorio routes — the technician's phone never
// downloads this code, and the service worker does not precache it (vite.config.js).
import { useEffect } from 'preact/hooks'
import { logout, storeTimezone } from '../data/session.js'
import { match, onLinkClick, useSearch } from '../lib/router.js'
import { AdminApp } from './admin/AdminApp.jsx'
import { AgendaRoute } from './calendar/AgendaRoute.jsx'
import { CaseList } from './CaseList.jsx'
import { CASE_TABS, CasePage } from './CasePage.jsx'
import { Dashboard } from './Dashboard.jsx'
import { NewCase } from './NewCase.jsx'
import { Suppliers } from './suppliers/Suppliers.jsx'
import { CustomerPage } from './records/CustomerPage.jsx'
import { Customers } from './records/Customers.jsx'
import { ContractPage } from './records/ContractPage.jsx'
import { Contracts } from './records/Contracts.jsx'
import { Import } from './records/Import.jsx'
import { ClaimPage } from './claims/ClaimPage.jsx'
import { Claims } from './claims/Claims.jsx'
import './office.css'

const SECTIONS = { painel: 'Painel', lista: 'Assistências', nova: 'Incluir assistência' }

function route(path, search, timeZone, user) {
  let params
  if (match('/escritorio/assistencias/nova', path)) return ['nova', <NewCase />]
  if ((params = match('/escritorio/assistencias/:id/:tab', path)) || (params = match('/escritorio/assistencias/:id', path))) {
    if (/^\d+$/.test(params.id) && (!params.tab || CASE_TABS.some(([slug]) => slug && slug === params.tab))) {
      return ['caso', <CasePage key={params.id} id={Number(params.id)} tab={params.tab || ''} timeZone={timeZone} user={user} />]
    }
  }
  if (match('/escritorio/assistencias', path)) return ['lista', <CaseList search={search} timeZone={timeZone} />]
  if (path === '/escritorio/admin' || path.startsWith('/escritorio/admin/')) {
    return ['admin', <AdminApp user={user} path={path} search={search} timeZone={timeZone} />]
  }
  if (match('/escritorio/agenda', path)) return ['agenda', <AgendaRoute search={search} timeZone={timeZone} />]
  if ((params = match('/escritorio/clientes/:id', path)) && /^\d+$/.test(params.id)) {
    return ['clientes', <CustomerPage key={params.id} id={Number(params.id)} timeZone={timeZone} />]
  }
  if (match('/escritorio/contratos/novo', path)) return ['contratos', <ContractPage key="novo" user={user} search={search} />]
  if ((params = match('/escritorio/contratos/:id', path)) && /^\d+$/.test(params.id)) {
    return ['contratos', <ContractPage key={params.id} id={Number(params.id)} user={user} search={search} />]
  }
  if (match('/escritorio/contratos', path)) return ['contratos', <Contracts search={search} />]
  if ((params = match('/escritorio/reclamacoes/:id', path)) && /^\d+$/.test(params.id)) {
    return ['reclamacoes', <ClaimPage key={params.id} id={Number(params.id)} timeZone={timeZone} />]
  }
  if (match('/escritorio/reclamacoes', path)) return ['reclamacoes', <Claims search={search} timeZone={timeZone} />]
  if (match('/escritorio/importar', path)) return ['importar', <Import user={user} />]
  if (match('/escritorio/clientes', path)) return ['clientes', <Customers search={search} />]
  if (match('/escritorio/fornecedores', path)) return ['fornecedores', <Suppliers user={user} />]
  if (match('/escritorio', path)) return ['painel', <Dashboard timeZone={timeZone} />]
  return [
    'nada',
    <p class="notice" role="alert">
      Página não encontrada. <a href="/escritorio">Ir para o painel</a>
    </p>,
  ]
}

export function OfficeApp({ user, path }) {
  const search = useSearch()
  const timeZone = storeTimezone(user)
  const [section, screen] = route(path, search, timeZone, user)
  useEffect(() => {
    if (SECTIONS[section]) document.title = `${SECTIONS[section]} — Assistec`
  }, [section])
  const current = (name) => (section === name ? 'page' : undefined)
  return (
    <div class="office" onClick={onLinkClick}>
      <a class="skip-link" href="#conteudo">
        Pular para o conteúdo
      </a>
      <header class="topbar office-topbar">
        <a href="/escritorio" class="brand">
          Assistec <span class="brand-sub">Escritório</span>
        </a>
        <nav aria-label="Escritório">
          <a href="/escritorio" aria-current={current('painel')}>
            Painel
          </a>
          <a href="/escritorio/assistencias" aria-current={section === 'lista' || section === 'caso' ? 'page' : undefined}>
            Assistências
          </a>
          <a href="/escritorio/assistencias/nova" aria-current={current('nova')}>
            Incluir
          </a>
          <a href="/escritorio/clientes" aria-current={current('clientes')}>
            Clientes
          </a>
          <a href="/escritorio/contratos" aria-current={current('contratos')}>
            Contratos
          </a>
          <a href="/escritorio/agenda" aria-current={current('agenda')}>
            Agenda
          </a>
          <a href="/escritorio/reclamacoes" aria-current={current('reclamacoes')}>
            Reclamações
          </a>
          <a href="/escritorio/fornecedores" aria-current={current('fornecedores')}>
            Fornecedores
          </a>
          {user.role === 'admin' && (
            <a href="/escritorio/admin" aria-current={current('admin')}>
              Administração
            </a>
          )}
        </nav>
        <div class="office-user">
          <span class="office-user-name">{user.name}</span>
          <a href="/senha">Trocar senha</a>
          <button type="button" class="link" onClick={() => confirm(`Sair da conta de ${user.name}?`) && logout()}>
            Sair
          </button>
        </div>
      </header>
      <main id="conteudo" class="office-main" tabIndex={-1}>
        {screen}
      </main>
    </div>
  )
}
