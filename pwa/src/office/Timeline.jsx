// Histórico: every change to the case, oldest first, as the server recorded it (its pt-BR note,
// and the tracked fields' before → after).
import { useEffect, useState } from 'preact/hooks'
import { formatAddress, formatDateTime } from '../lib/format.js'
import { officeApi } from './api.js'
import { problemOf } from '../data/problem.js'
import { STATUSES } from './filters.js'
import { EVENT_LABELS, FIELD_LABELS } from './labels.js'

const STATUS_NAMES = Object.fromEntries(STATUSES)

function shown(field, value, timeZone) {
  if (value == null || value === '') return '—'
  if (field === 'status') return STATUS_NAMES[value] || value
  if (field === 'service_address') return formatAddress(value)
  if (typeof value === 'object') return value.name || value.number || JSON.stringify(value)
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return formatDateTime(value, timeZone)
  return String(value)
}

/** The {field: {from, to}} entries a person can read (ids of other records are left out). */
function changeLines(changes, timeZone) {
  return Object.entries(changes || {})
    .filter(([field, change]) => FIELD_LABELS[field] && change && typeof change === 'object' && 'to' in change)
    .map(([field, change]) => ({
      field,
      label: FIELD_LABELS[field],
      from: 'from' in change ? shown(field, change.from, timeZone) : null,
      to: shown(field, change.to, timeZone),
    }))
}

export function Timeline({ caseId, timeZone }) {
  const [events, setEvents] = useState(null)
  const [error, setError] = useState(null)
  useEffect(() => {
    officeApi.get(`/api/cases/${caseId}/timeline`).then(setEvents, (e) => setError(problemOf(e).message))
  }, [caseId])
  if (error)
    return (
      <p class="notice notice-error" role="alert">
        {error}
      </p>
    )
  if (!events) return <p role="status">Carregando o histórico…</p>
  if (!events.length) return <p class="card empty">Nada registrado ainda.</p>
  return (
    <ol class="timeline plain" aria-label="Histórico da assistência">
      {events.map((event) => (
        <li key={event.id} class="card timeline-event" data-testid="timeline-event">
          <p class="timeline-head">
            <strong>{EVENT_LABELS[event.kind] || event.kind}</strong>
            <span class="muted small">
              {' '}
              {formatDateTime(event.at, timeZone)}
              {event.actor ? ` · ${event.actor.name}` : ' · sistema'}
            </span>
          </p>
          {event.note && <p class="prewrap">{event.note}</p>}
          {changeLines(event.changes, timeZone).map((line) => (
            <p key={line.field} class="small">
              {line.label}: {line.from != null && <>{line.from} → </>}
              {line.to}
            </p>
          ))}
        </li>
      ))}
    </ol>
  )
}
