// Minha agenda: today's and the coming days' visits, grouped by day in the store's timezone.
import { useRef, useState } from 'preact/hooks'
import { InstallHint } from '../components/Banners.jsx'
import { NotificationsCard } from '../components/NotificationsCard.jsx'
import { FIRST_SYNC } from '../data/apply-pull.js'
import { getMeta } from '../data/db.js'
import { db, sync } from '../data/session.js'
import { dayKey, dayTitle, formatTime } from '../lib/format.js'
import { useLive } from '../lib/live.js'

const HIDDEN = new Set(['cancelled'])

export function StatusChip({ status, label }) {
  return <span class={`chip chip-${status}`}>{label}</span>
}

/** The first sync's progress, below the visits already received (the days ahead come first). */
function FirstSync({ progress }) {
  const total = progress?.visits_total
  return (
    <p class="card first-sync" role="status" data-testid="first-sync">
      <span class="spinner" aria-hidden="true" />
      Baixando sua agenda…
      {progress && ` ${progress.visits_sent} de ${total} ${total === 1 ? 'visita' : 'visitas'}`}
    </p>
  )
}

function usePullToRefresh() {
  const start = useRef(null)
  const [pulling, setPulling] = useState(false)
  return {
    pulling,
    handlers: {
      onTouchStart: (e) => {
        start.current = window.scrollY === 0 ? e.touches[0].clientY : null
      },
      onTouchMove: (e) => {
        if (start.current != null) setPulling(e.touches[0].clientY - start.current > 70)
      },
      onTouchEnd: () => {
        if (pulling) sync.sync()
        start.current = null
        setPulling(false)
      },
    },
  }
}

/** One day's visits. */
function Day({ day, list, timeZone }) {
  return (
    <section class="day" aria-labelledby={`day-${day}`}>
      <h2 id={`day-${day}`}>{dayTitle(day, timeZone)}</h2>
      <ul class="visits">
        {list.map((visit) => {
          const kase = visit.caseRow || visit.case || {}
          const customer = kase.customer || visit.case?.customer || {}
          const address = kase.service_address || visit.case?.service_address || {}
          return (
            <li key={visit.id}>
              <a class="visit card" href={`/visita/${visit.id}`} data-testid="visit">
                <span class="visit-time">
                  {formatTime(visit.starts_at, timeZone)}–{formatTime(visit.ends_at, timeZone)}
                </span>
                <span class="visit-main">
                  <strong>{customer.name}</strong>
                  <span class="muted">
                    {address.district}
                    {address.city ? ` · ${address.city}` : ''}
                  </span>
                  <span class="muted small">
                    {visit.appointment_type?.name}
                    {kase.number ? ` · ${kase.number}` : ''}
                  </span>
                </span>
                <StatusChip status={visit.status} label={visit.status_label} />
                {visit._dirty === 1 && <span class="chip chip-pending">Não enviado</span>}
              </a>
            </li>
          )
        })}
      </ul>
    </section>
  )
}

export function Agenda({ timeZone }) {
  const { pulling, handlers } = usePullToRefresh()
  const visits = useLive(async () => {
    const today = dayKey(new Date().toISOString(), timeZone)
    const all = await db.appointments.orderBy('starts_at').toArray()
    const shown = all
      .filter((v) => v.calendar_type !== 'office' && !HIDDEN.has(v.status))
      // Today onward (a visit from 22:00 to 01:00 is today's too), plus any earlier visit still
      // open (started but not closed).
      .filter((v) => dayKey(v.ends_at, timeZone) >= today || v.status === 'in_progress')
    // Only the shown visits' cases: a first sync writes hundreds of others, page after page.
    const cases = await db.cases.bulkGet(shown.map((v) => v.case_id))
    return shown.map((v, i) => ({ ...v, caseRow: cases[i] }))
  }, [timeZone])

  // Until a first pull has ended, an empty list means "not here yet", never "no visits".
  const loading = useLive(async () => {
    const progress = await getMeta(db, FIRST_SYNC)
    return progress || !(await getMeta(db, 'last_sync_at')) ? { progress } : false
  }, [])
  const ready = visits !== undefined && loading !== undefined

  const days = new Map()
  for (const visit of visits || []) {
    const key = dayKey(visit.starts_at, timeZone)
    if (!days.has(key)) days.set(key, [])
    days.get(key).push(visit)
  }

  // While loading, the line sits under today's visits (they come first), above the later days.
  const entries = [...days]
  const today = dayKey(new Date().toISOString(), timeZone)
  const upTo = loading ? entries.filter(([key]) => key <= today).length : entries.length

  return (
    <main {...handlers}>
      <h1 class="screen-title">Minha agenda</h1>
      {pulling && <p class="pull-hint">Solte para atualizar</p>}
      <InstallHint />
      {ready && !loading && visits.length === 0 && (
        <div class="empty card">
          <p>Nenhuma visita marcada para hoje ou os próximos dias.</p>
          <p class="muted">Quando o escritório agendar uma visita para você, ela aparece aqui após sincronizar.</p>
        </div>
      )}
      {entries.slice(0, upTo).map(([key, list]) => (
        <Day key={key} day={key} list={list} timeZone={timeZone} />
      ))}
      {ready && loading && <FirstSync progress={loading.progress} />}
      {entries.slice(upTo).map(([key, list]) => (
        <Day key={key} day={key} list={list} timeZone={timeZone} />
      ))}
      {ready && <NotificationsCard />}
      {ready && (
        <p class="account-link">
          <a href="/senha">Trocar senha ou sair de todos os aparelhos</a>
        </p>
      )}
    </main>
  )
}
