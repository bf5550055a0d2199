// "Ativar notificações": one quiet card under the agenda, never a prompt of its own. The
// browser's permission dialog opens only from the tap on the button.
import { useEffect, useState } from 'preact/hooks'
import { browserPush, enablePush, isSubscribed, onSubscribed, pushState } from '../data/push-subscription.js'
import { api, db } from '../data/session.js'

const TEXT = {
  'ios-install':
    'No iPhone, adicione o Assistec à Tela de Início para receber notificações: toque em Compartilhar › "Adicionar à Tela de Início" e abra o app por lá.',
  unsupported: 'Este navegador não recebe notificações. No Android, use o Chrome; no iPhone, o app instalado na Tela de Início.',
  default: 'Receba um aviso quando o escritório marcar, remarcar, passar a outro técnico ou cancelar uma visita sua.',
  denied:
    'As notificações do Assistec estão bloqueadas neste aparelho. Para reativar: toque no cadeado ao lado do endereço (ou, no app instalado, em Configurações › Apps › Assistec) › Notificações › Permitir. Depois toque em "Ativar notificações".',
  granted: 'As notificações estão permitidas, mas este aparelho ainda não está inscrito.',
  on: 'Notificações ativadas neste aparelho.',
}

export function NotificationsCard({ env = browserPush() }) {
  const [state, setState] = useState(() => pushState(env))
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    if (state === 'granted')
      isSubscribed(env).then(
        (yes) => yes && setState('on'),
        () => {},
      )
    return onSubscribed(() => {
      setState('on')
      setError(null)
    })
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once: the subscription listener lives as long as the card
  }, [])

  const enable = async () => {
    setBusy(true)
    setError(null)
    const result = await enablePush({ api, db, env })
    setState(result.state)
    setError(result.error || null)
    setBusy(false)
  }

  return (
    <section class="card notifications" aria-labelledby="notifications-title" data-testid="notifications">
      <h2 id="notifications-title">Notificações</h2>
      <p class={state === 'on' ? 'muted' : undefined}>{TEXT[state]}</p>
      {error && (
        <p class="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {['default', 'denied', 'granted'].includes(state) && (
        <button type="button" class="btn" onClick={enable} disabled={busy}>
          {busy ? 'Ativando…' : 'Ativar notificações'}
        </button>
      )}
    </section>
  )
}
