// Visita: everything the technician needs at the customer's door, and the check-in/check-out.
import { useEffect, useState } from 'preact/hooks'
import { VisitReport } from '../components/VisitReport.jsx'
import { record, saveErrorMessage } from '../data/mutations.js'
import { db, sync } from '../data/session.js'
import { formatAddress, formatDate, formatDateTime, formatPhone, formatTime, internationalPhone, isMobilePhone } from '../lib/format.js'
import { useLive } from '../lib/live.js'
import { StatusChip } from './Agenda.jsx'

const CAN_CHECK_IN = new Set(['scheduled', 'confirmed', 'rescheduled'])
const CLOSED = new Set(['done', 'cancelled'])

function nowIso() {
  return new Date().toISOString()
}

async function act(name, args, summary) {
  await record(db, name, args, { summary })
  sync.soon()
}

/** Run a local save; its failure is shown (`onError`), never silent. True when it saved. */
async function attempt(save, onError) {
  try {
    await save()
    onError(null)
    return true
  } catch (error) {
    onError(saveErrorMessage(error))
    return false
  }
}

function SaveError({ message }) {
  return (
    message && (
      <p class="notice notice-error" role="alert">
        {message}
      </p>
    )
  )
}

function Contact({ customer }) {
  const phones = customer?.phones || []
  return (
    <section class="card">
      <h2>Cliente</h2>
      <p class="lead">{customer?.name}</p>
      {phones.map((phone) => (
        <div class="actions" key={phone}>
          <a class="btn" href={`tel:+${internationalPhone(phone)}`}>
            Ligar {formatPhone(phone)}
          </a>
          {isMobilePhone(phone) && (
            <a class="btn" href={`https://wa.me/${internationalPhone(phone)}`} target="_blank" rel="noopener noreferrer">
              WhatsApp
            </a>
          )}
        </div>
      ))}
      {customer?.email && <p class="muted">{customer.email}</p>}
    </section>
  )
}

/** Enough rows for the whole note (a merged one has several signed texts) on a phone's width. */
function noteRows(text) {
  const lines = text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(line.length / 28)), 1)
  return Math.min(16, Math.max(3, lines))
}

/** The office's instructions, read-only here; the technician writes their own note beside them.
 * The note goes with the text it was edited from (`base`): if another phone wrote meanwhile, the
 * server keeps both texts, signed (docs/sync.md). */
function Notes({ visit, summary }) {
  const [text, setText] = useState(visit.technician_notes || '')
  const [base, setBase] = useState(null) // the note as it was when typing began; null: not editing
  const [error, setError] = useState(null)
  useEffect(() => {
    if (base === null) setText(visit.technician_notes || '')
    // eslint-disable-next-line react-hooks/exhaustive-deps -- follow another phone's note only while not editing
  }, [visit.technician_notes])
  const save = async () => {
    const args = { appointment_id: visit.id, notes: text.trim() || null, base: base || null }
    if (await attempt(() => act('appointment.technician_notes.v1', args, summary), setError)) setBase(null)
  }
  return (
    <>
      {visit.notes && (
        <section class="card" data-testid="office-notes">
          <h2>Observação do escritório</h2>
          <p class="prewrap">{visit.notes}</p>
        </section>
      )}
      <section class="card">
        <h2>
          <label for="visit-notes">Sua observação</label>
        </h2>
        <textarea
          id="visit-notes"
          rows={noteRows(text)}
          value={text}
          onInput={(e) => {
            if (base === null) setBase(visit.technician_notes || '')
            setText(e.currentTarget.value)
          }}
        />
        <p class="muted small">O escritório vê esta observação.</p>
        <SaveError message={error} />
        {base !== null && (
          <button type="button" class="btn" onClick={save}>
            Salvar observação
          </button>
        )}
      </section>
    </>
  )
}

export function Visit({ id, timeZone }) {
  const data = useLive(async () => {
    const visit = await db.appointments.get(id)
    if (!visit) return { missing: true }
    const kase = (await db.cases.get(visit.case_id)) || visit.case
    const customer = (await db.customers.get(kase?.customer?.id)) || kase?.customer
    const contract = kase?.contract ? await db.contracts.get(kase.contract.id) : null
    const occurrences = await db.occurrences.where('case_id').equals(visit.case_id).toArray()
    occurrences.sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)))
    return { visit, kase, customer, contract, occurrences }
  }, [id])
  const [error, setError] = useState(null)

  if (!data) return <main />
  if (data.missing) {
    return (
      <main>
        <div class="card empty">
          <p>Esta visita não está mais na sua agenda (cancelada ou passada a outro técnico).</p>
          <a class="btn" href="/agenda">
            Voltar à agenda
          </a>
        </div>
      </main>
    )
  }
  const { visit, kase, customer, contract, occurrences } = data
  const address = kase?.service_address
  const summary = [kase?.number, customer?.name].filter(Boolean).join(' · ')
  const open = !CLOSED.has(visit.status) // while open, what this visit recorded may still be corrected
  const mapsUrl = `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(formatAddress(address))}`

  return (
    <main>
      <a class="back" href="/agenda">
        ‹ Agenda
      </a>
      <header class="visit-header">
        <h1 class="screen-title">{kase?.number || 'Visita'}</h1>
        <StatusChip status={visit.status} label={visit.status_label} />
      </header>
      <p class="lead">
        {formatDate(visit.starts_at, timeZone)}, {formatTime(visit.starts_at, timeZone)}–{formatTime(visit.ends_at, timeZone)}
        {visit.appointment_type ? ` · ${visit.appointment_type.name}` : ''}
      </p>
      {visit.subject && <p>{visit.subject}</p>}

      <div class="actions actions-main">
        {CAN_CHECK_IN.has(visit.status) && (
          <button
            type="button"
            class="btn btn-primary btn-block"
            onClick={() => attempt(() => act('appointment.check_in.v1', { appointment_id: visit.id, at: nowIso() }, summary), setError)}
          >
            Iniciar visita (check-in)
          </button>
        )}
        {visit.status === 'in_progress' && (
          <button
            type="button"
            class="btn btn-primary btn-block"
            onClick={() => attempt(() => act('appointment.check_out.v1', { appointment_id: visit.id, at: nowIso() }, summary), setError)}
          >
            Encerrar visita (check-out)
          </button>
        )}
        {visit.status !== 'cancelled' && (
          <a class="btn btn-block" href={`/visita/${visit.id}/ocorrencia`}>
            Nova ocorrência
          </a>
        )}
      </div>
      <SaveError message={error} />
      {visit.checked_in_at && <p class="muted small">Check-in: {formatDateTime(visit.checked_in_at, timeZone)}</p>}
      {visit.checked_out_at && <p class="muted small">Check-out: {formatDateTime(visit.checked_out_at, timeZone)}</p>}
      <VisitReport visit={visit} occurrences={occurrences} />

      <section class="card">
        <h2>Situação Alegada</h2>
        <p class="prewrap">{kase?.reported_issue}</p>
      </section>

      <Contact customer={customer} />

      <section class="card">
        <h2>Endereço do atendimento</h2>
        <p>{formatAddress(address)}</p>
        {kase?.access_notes && (
          <p class="prewrap" data-testid="access-notes">
            <strong>Acesso:</strong> {kase.access_notes}
          </p>
        )}
        <a class="btn" href={mapsUrl} target="_blank" rel="noopener noreferrer">
          Abrir no mapa
        </a>
      </section>

      {contract && (
        <section class="card">
          <h2>Contrato {contract.number}</h2>
          {contract.delivery_date && <p>Entregue em {formatDate(contract.delivery_date)}</p>}
          <ul class="plain">
            {(contract.items || []).map((item) => (
              <li key={item.id}>{[item.room?.name, item.product_line?.name, item.description].filter(Boolean).join(' · ')}</li>
            ))}
          </ul>
        </section>
      )}

      <section class="card">
        <h2>Ocorrências do caso</h2>
        {occurrences.length === 0 && <p class="muted">Nenhuma ocorrência registrada ainda.</p>}
        <ul class="plain occurrences">
          {occurrences.map((o) => (
            <li key={o.id} data-testid="occurrence">
              <strong>{o.occurrence_type?.name}</strong> · {o.payer_label}
              <br />
              <span class="muted small">
                {o.status?.name || (o.resolved == null ? 'Em aberto' : o.resolved ? 'Resolvida' : 'Não resolvida')}
                {o.created_at ? ` · ${formatDate(o.created_at, timeZone)}` : ''}
              </span>
              {o._local === 1 && <span class="chip chip-pending">Não enviada</span>}
              {o._local !== 1 && open && o.appointment_id === visit.id && (
                <a class="btn btn-small" href={`/visita/${visit.id}/ocorrencia/${o.id}`}>
                  Corrigir
                </a>
              )}
            </li>
          ))}
        </ul>
      </section>

      <Notes visit={visit} summary={summary} />
    </main>
  )
}
