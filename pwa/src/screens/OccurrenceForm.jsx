// Nova ocorrência, the correction of one waiting in Pendências, and the correction of one the
// server already has (while its visit is open: the changed fields go with the values they were
// edited from, so the office's changes meanwhile are kept; docs/sync.md).
//
// Everything typed is saved as a draft in IndexedDB as it is typed, photos included (as Blobs),
// so a reload, a crash or an app update never loses it. "Salvar" turns the draft into outbox
// entries in one transaction: the occurrence with its items and photos, then the signature.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { ItemEditor, Select } from '../components/OccurrenceFields.jsx'
import { PhotoThumb } from '../components/PhotoThumb.jsx'
import { SignatureField } from '../components/SignatureField.jsx'
import { getMeta, RECORD_TABLES, setMeta } from '../data/db.js'
import { PAYERS } from '../data/labels.js'
import { isQuotaError, QUOTA_MESSAGE, record, saveErrorMessage } from '../data/mutations.js'
import { correction, EMPTY, fromArgs, fromOccurrence, newItem, toArgs, validate } from '../data/occurrence-form.js'
import { editPending, OutboxError, resendRejection } from '../data/outbox.js'
import { db, sync } from '../data/session.js'
import { useLive } from '../lib/live.js'
import { blobRecord, compressPhoto, dataUrlToBlob } from '../lib/photos.js'
import { navigate } from '../lib/router.js'
import { holdUpdates } from '../lib/update.js'

const MAX_PHOTOS = 10

const CLOSED = new Set(['done', 'cancelled'])

async function synced(occurrenceId) {
  const occurrence = await db.occurrences.get(occurrenceId)
  if (!occurrence) return {}
  const items = (await db.occurrence_items.where('occurrence_id').equals(occurrenceId).toArray()).filter((i) => !i._deleted)
  items.sort((a, b) => String(a.created_at || '').localeCompare(String(b.created_at || '')))
  const photos = await db.attachments
    .where('occurrence_id')
    .equals(occurrenceId)
    .filter((a) => a.kind === 'photo')
    .count()
  return { occurrence, items, sentPhotos: photos }
}

/**
 * mode: {visitId} for a new occurrence, {visitId, occurrenceId} to correct one the server has,
 * {seq} to correct an entry never sent, or {mutationId} to correct and resend one the server refused.
 */
export function OccurrenceForm({ visitId, seq, mutationId, occurrenceId }) {
  const editing = seq != null || mutationId != null
  const correcting = occurrenceId != null
  const draftKey = editing ? null : correcting ? `draft:correction:${occurrenceId}` : `draft:occurrence:${visitId}`
  const source = useLive(async () => {
    let entry = null
    if (seq != null) entry = await db.outbox.get(seq)
    if (mutationId != null) entry = await db.rejections.get(mutationId)
    const appointmentId = visitId ?? entry?.args.appointment_id
    const visit = appointmentId != null ? await db.appointments.get(appointmentId) : null
    const catalogs = {}
    for (const row of await db.catalog_entries.toArray()) (catalogs[row.kind] ||= []).push(row)
    for (const list of Object.values(catalogs)) list.sort((a, b) => a.position - b.position || a.name.localeCompare(b.name))
    // The store's suppliers (read-only copies): offered as the item's supplier, typed names still go.
    const suppliers = (await db.suppliers.toArray()).map((s) => s.name).sort((a, b) => a.localeCompare(b, 'pt-BR'))
    const current = correcting ? await synced(occurrenceId) : {}
    // What was sold (read-only copy): the module an item concerns is picked from it.
    const kase = visit ? (await db.cases.get(visit.case_id)) || visit.case : null
    const contract = kase?.contract?.id != null ? await db.contracts.get(kase.contract.id) : null
    return { entry, visit, catalogs, suppliers, contract, ...current, draft: draftKey ? await getMeta(db, draftKey) : null }
  }, [visitId, seq, mutationId, occurrenceId])

  const [form, setForm] = useState(null)
  const [errors, setErrors] = useState({})
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState(null)
  const [failure, setFailure] = useState(null) // a local save that failed: said until one succeeds
  const photos = useLive(async () => (form ? (await db.blobs.bulkGet(form.photo_ids)).filter(Boolean) : []), [form?.photo_ids.join()], [])
  const fileInput = useRef(null)

  // Start from the stored draft, the entry or occurrence being corrected, or an empty form — once.
  // A correction keeps the occurrence as it was when it began (`original`): its base.
  useEffect(() => {
    if (!source || form) return
    if (source.entry) setForm(fromArgs(source.entry.args, source.entry.blob_ids || []))
    else if (source.draft) setForm(source.draft)
    else if (correcting && source.occurrence) {
      const original = fromOccurrence(source.occurrence, source.items)
      setForm({ ...original, original })
    } else if (!correcting) setForm({ ...EMPTY })
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the form is made once, when its source has loaded
  }, [source])

  useEffect(() => holdUpdates(), [])

  // Save the draft as the technician types (IndexedDB writes are cheap; losing text is not).
  useEffect(() => {
    if (form && draftKey) setMeta(db, draftKey, form).catch((error) => setFailure(saveErrorMessage(error)))
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the draft is saved on every change of the form (the key is fixed per screen)
  }, [form])

  const options = useMemo(() => {
    const list = (kind) => (source?.catalogs[kind] || []).map((e) => [String(e.id), e.name])
    return {
      types: list('occurrence_types'),
      statuses: list('occurrence_statuses'),
      rooms: list('rooms'),
      lines: list('product_lines'),
      payers: Object.entries(PAYERS),
    }
  }, [source?.catalogs])

  if (correcting && source && !source.occurrence && !form) {
    return (
      <main>
        <p class="card">Esta ocorrência não está mais no aparelho.</p>
        <a class="btn" href={`/visita/${visitId}`}>
          Voltar à visita
        </a>
      </main>
    )
  }
  if (correcting && source?.visit && CLOSED.has(source.visit.status)) {
    return (
      <main>
        <p class="card">A visita foi encerrada: a ocorrência não pode mais ser corrigida pelo aparelho. Fale com o escritório.</p>
        <a class="btn" href={`/visita/${visitId}`}>
          Voltar à visita
        </a>
      </main>
    )
  }
  if (!source || !form) return <main />
  if (!editing && !source.visit) {
    return (
      <main>
        <p class="card">Esta visita não está mais na sua agenda.</p>
      </main>
    )
  }
  if (editing && !source.entry) {
    return (
      <main>
        <p class="card">Esta pendência já foi resolvida.</p>
        <a class="btn" href="/pendencias">
          Voltar às pendências
        </a>
      </main>
    )
  }

  const set = (field) => (value) => setForm((f) => ({ ...f, [field]: value }))
  const input = (field) => (e) => set(field)(e.currentTarget.value)
  const visit = source.visit
  const storeId = visit?.store_id

  async function addPhotos(event) {
    const files = [...event.currentTarget.files].slice(0, MAX_PHOTOS - form.photo_ids.length)
    event.currentTarget.value = ''
    setMessage(files.length ? 'Processando fotos…' : null)
    const ids = []
    const keep = () => setForm((f) => ({ ...f, photo_ids: [...f.photo_ids, ...ids] })) // those stored so far
    for (const file of files) {
      let row
      try {
        row = await blobRecord((await compressPhoto(file)).blob, 'photo', storeId)
      } catch {
        keep()
        setMessage(`Não foi possível ler a foto ${file.name}. Tente outra.`)
        return
      }
      try {
        await db.blobs.put({ ...row, draft: true, uploaded: false })
      } catch (error) {
        keep()
        setMessage(null)
        setFailure(isQuotaError(error) ? `A foto ${file.name} não coube no aparelho. ${QUOTA_MESSAGE}` : saveErrorMessage(error))
        return
      }
      ids.push(row.id)
    }
    setMessage(null)
    setFailure(null)
    keep()
  }

  async function removePhoto(id) {
    setForm((f) => ({ ...f, photo_ids: f.photo_ids.filter((p) => p !== id) }))
    await db.blobs.delete(id)
  }

  async function save(event) {
    event.preventDefault()
    const found = validate(form, { withSignature: !editing })
    setErrors(found)
    if (Object.keys(found).length) {
      setMessage('Confira os campos destacados.')
      return
    }
    setBusy(true)
    setMessage(null)
    try {
      navigate(await store())
    } catch (error) {
      setBusy(false) // the form stays filled: nothing of it was lost
      // An edit the server may already have applied is refused with its own reason (outbox.js).
      setFailure(error instanceof OutboxError ? error.message : saveErrorMessage(error))
    }
  }

  /** Write the form to the outbox; the path to show next. */
  async function store() {
    if (editing) {
      const args = toArgs(form, { ...source.entry.args })
      if (seq != null) await editPending(db, seq, args)
      else await resendRejection(db, mutationId, args)
      sync.soon()
      return '/pendencias'
    }
    const kase = (await db.cases.get(visit.case_id)) || visit.case
    const summary = [kase?.number, kase?.customer?.name].filter(Boolean).join(' · ')
    const id = correcting ? occurrenceId : crypto.randomUUID()
    const signature = form.signature ? await blobRecord(dataUrlToBlob(form.signature), 'signature', storeId) : null
    await db.transaction('rw', ['outbox', 'blobs', 'rejections', 'meta', ...RECORD_TABLES], async () => {
      const blobs = (await db.blobs.bulkGet(form.photo_ids)).filter(Boolean).map((b) => ({ ...b, draft: false }))
      if (correcting) {
        for (const [name, args] of correction(id, form.original, form)) await record(db, name, args, { summary })
        for (const blob of blobs) await record(db, 'attachment.link.v1', { attachment_id: blob.id, occurrence_id: id }, { blobs: [blob], summary })
      } else {
        const args = toArgs(form, { id, case_id: visit.case_id, appointment_id: visit.id })
        await record(db, 'occurrence.create.v1', args, { blobs, summary })
      }
      if (signature) {
        await record(
          db,
          'attachment.link.v1',
          { attachment_id: signature.id, occurrence_id: id, signer_name: form.signer_name.trim() },
          { blobs: [signature], summary },
        )
      }
      await db.meta.delete(draftKey)
    })
    sync.soon()
    return `/visita/${visit.id}`
  }

  async function cancel() {
    const question = correcting ? 'Descartar esta correção? A ocorrência fica como estava.' : 'Descartar esta ocorrência? O que foi preenchido será apagado.'
    if (!editing && !confirm(question)) return
    if (!editing) {
      await db.blobs.bulkDelete(form.photo_ids)
      await db.meta.delete(draftKey)
    }
    history.back()
  }

  const error = (field) => errors[field] && <span class="field-error">{errors[field]}</span>

  return (
    <main>
      <h1 class="screen-title">{editing || correcting ? 'Corrigir ocorrência' : 'Nova ocorrência'}</h1>
      {correcting && (
        <p class="muted small">
          Altere o que for preciso. Se o escritório tiver mudado um campo enquanto isso, a mudança dele é mantida e os dois textos ficam registrados.
        </p>
      )}
      {source.entry?.message && (
        <p class="notice notice-error" role="alert">
          O servidor recusou: {source.entry.message}
        </p>
      )}
      <form class="form" onSubmit={save} noValidate>
        <section class="card">
          <Select
            label="Tipo de ocorrência"
            name="occurrence_type_id"
            required
            value={form.occurrence_type_id}
            options={options.types}
            onChange={set('occurrence_type_id')}
            error={errors.occurrence_type_id}
          />
          <Select
            label="Modalidade (quem paga)"
            name="payer"
            required
            value={form.payer}
            options={options.payers}
            onChange={set('payer')}
            error={errors.payer}
          />
          <label>
            Pedido do fornecedor
            <input name="supplier_order_number" value={form.supplier_order_number} onInput={input('supplier_order_number')} />
          </label>
          <Select label="Ambiente" name="room_id" value={form.room_id} options={options.rooms} onChange={set('room_id')} />
          <Select label="Linha de produto" name="product_line_id" value={form.product_line_id} options={options.lines} onChange={set('product_line_id')} />
          <Select label="Situação da ocorrência" name="status_id" value={form.status_id} options={options.statuses} onChange={set('status_id')} />
          <label>
            Previsão de correção
            <input type="date" name="expected_fix_date" value={form.expected_fix_date} onInput={input('expected_fix_date')} />
            <span class="muted small">Em branco: o prazo do caso.</span>
          </label>
          <label>
            Relato
            <textarea name="report" rows="4" value={form.report} onInput={input('report')} />
          </label>
          <fieldset class="choice" aria-invalid={Boolean(errors.resolved)}>
            <legend>O problema foi resolvido? *</legend>
            <label class="check">
              <input type="radio" name="resolved" value="yes" checked={form.resolved === 'yes'} onChange={() => set('resolved')('yes')} />
              Sim, resolvido
            </label>
            <label class="check">
              <input type="radio" name="resolved" value="no" checked={form.resolved === 'no'} onChange={() => set('resolved')('no')} />
              Não resolvido
            </label>
            {error('resolved')}
          </fieldset>
          {form.resolved === 'no' && (
            <label>
              Motivo de não ter resolvido *
              <textarea
                name="unresolved_reason"
                rows="2"
                value={form.unresolved_reason}
                onInput={input('unresolved_reason')}
                aria-invalid={Boolean(errors.unresolved_reason)}
              />
              {error('unresolved_reason')}
            </label>
          )}
        </section>

        <h2 class="section-title">Itens</h2>
        {form.items.map((item, n) => (
          <ItemEditor
            key={item.id}
            item={item}
            index={n}
            errors={errors}
            contract={source.contract}
            onChange={(next) => setForm((f) => ({ ...f, items: f.items.map((i) => (i.id === next.id ? next : i)) }))}
            onRemove={() => setForm((f) => ({ ...f, items: f.items.filter((i) => i.id !== item.id) }))}
          />
        ))}
        <button type="button" class="btn btn-block" onClick={() => setForm((f) => ({ ...f, items: [...f.items, newItem()] }))}>
          Adicionar item
        </button>

        <h2 class="section-title">Fotos</h2>
        {correcting && source.sentPhotos > 0 && (
          <p class="muted small">{source.sentPhotos === 1 ? '1 foto já enviada' : `${source.sentPhotos} fotos já enviadas`}; as novas são acrescentadas.</p>
        )}
        <div class="thumbs">
          {photos.map((p, n) => (
            <PhotoThumb key={p.id} blob={p.data} alt={`Foto ${n + 1}`} onRemove={editing ? null : () => removePhoto(p.id)} />
          ))}
        </div>
        {!editing && form.photo_ids.length < MAX_PHOTOS && (
          <label class="btn btn-block file-button">
            Tirar ou escolher fotos
            <input ref={fileInput} type="file" name="photos" accept="image/*" capture="environment" multiple onChange={addPhotos} />
          </label>
        )}

        {!editing && !correcting && (
          <>
            <h2 class="section-title">Assinatura do cliente</h2>
            <section class="card">
              <SignatureField value={form.signature} onChange={set('signature')} />
              <label>
                Nome de quem assinou
                <input name="signer_name" value={form.signer_name} onInput={input('signer_name')} aria-invalid={Boolean(errors.signer_name)} />
                {error('signer_name')}
              </label>
            </section>
          </>
        )}

        {failure && (
          <p class="notice notice-error" role="alert" data-testid="save-error">
            {failure}
          </p>
        )}
        {message && (
          <p class="notice" role="alert">
            {message}
          </p>
        )}
        <div class="form-actions">
          <button type="button" class="btn btn-ghost" onClick={cancel}>
            Cancelar
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {editing ? (mutationId != null ? 'Salvar e reenviar' : 'Salvar correção') : correcting ? 'Salvar correção' : 'Salvar ocorrência'}
          </button>
        </div>
        <p class="muted small">Tudo fica salvo no aparelho e é enviado quando houver conexão.</p>
        <datalist id="supplier-names">
          {(source?.suppliers || []).map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
      </form>
    </main>
  )
}
