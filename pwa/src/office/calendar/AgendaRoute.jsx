// /escritorio/agenda: FullCalendar (~90 KB gzip) is fetched only when the Agenda opens — a dynamic
// import inside the office chunk, so neither the painel nor the technician's shell ever download
// it (its chunk is named assets/office-*, which the service worker's precache leaves out).
import { useEffect, useState } from 'preact/hooks'

let loading = null
const loadScreen = () => (loading ||= import('./AgendaScreen.jsx').catch((error) => ((loading = null), Promise.reject(error))))

export function AgendaRoute(props) {
  const [loaded, setLoaded] = useState(null)
  useEffect(() => {
    loadScreen().then(
      (module) => setLoaded({ Screen: module.AgendaScreen }),
      (error) => {
        console.error(error)
        setLoaded({ failed: true })
      },
    )
  }, [])
  if (!loaded)
    return (
      <p role="status" class="muted">
        Carregando a agenda…
      </p>
    )
  if (loaded.failed) {
    return (
      <p class="notice notice-error" role="alert">
        Não foi possível abrir a agenda. Verifique a conexão e recarregue a página.
      </p>
    )
  }
  return <loaded.Screen {...props} />
}
