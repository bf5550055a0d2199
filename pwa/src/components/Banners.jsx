// Notices that sit above every screen: expired session, a new version, installing the app.
import { useEffect, useState } from 'preact/hooks'
import { applyUpdate, formIsOpen, onUpdateAvailable } from '../lib/update.js'
import { useSyncState } from './SyncBar.jsx'

export function SessionBanner() {
  const { needsLogin } = useSyncState()
  if (!needsLogin) return null
  return (
    <div class="banner banner-warn" role="alert">
      <span>Sua sessão expirou. Entre de novo para enviar o que está pendente — nada foi perdido.</span>
      <a class="btn btn-small" href="/login?expirou=1">
        Entrar
      </a>
    </div>
  )
}

export function UpdateBanner() {
  const [available, setAvailable] = useState(false)
  const [blocked, setBlocked] = useState(false)
  useEffect(() => onUpdateAvailable(setAvailable), [])
  if (!available) return null
  const update = () => {
    if (formIsOpen()) setBlocked(true)
    else applyUpdate()
  }
  return (
    <div class="banner" role="status">
      <span>{blocked ? 'Salve ou cancele o formulário aberto e toque em Atualizar de novo.' : 'Atualização disponível.'}</span>
      <button type="button" class="btn btn-small" onClick={update}>
        Atualizar
      </button>
    </div>
  )
}

let deferredPrompt = null
if (typeof window !== 'undefined') {
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault()
    deferredPrompt = event
  })
}

export function InstallHint() {
  const [dismissed, setDismissed] = useState(localStorage.getItem('install-hint') === 'no')
  const standalone = window.matchMedia?.('(display-mode: standalone)').matches
  if (dismissed || standalone) return null
  const install = async () => {
    if (deferredPrompt) {
      deferredPrompt.prompt()
      await deferredPrompt.userChoice
      deferredPrompt = null
    }
    setDismissed(true)
    localStorage.setItem('install-hint', 'no')
  }
  return (
    <div class="hint">
      <span>
        Instale o Assistec na tela inicial: abre mais rápido e funciona sem sinal.
        {!deferredPrompt && ' No navegador, use o menu ⋮ › "Instalar app" (ou Compartilhar › "Adicionar à Tela de Início").'}
      </span>
      <button type="button" class="btn btn-small btn-ghost" onClick={install}>
        {deferredPrompt ? 'Instalar' : 'Entendi'}
      </button>
    </div>
  )
}
