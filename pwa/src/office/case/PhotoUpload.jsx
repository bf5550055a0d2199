// "Adicionar fotos" on an occurrence: each file is redrawn at most 1600 px and re-encoded as JPEG
// in the browser (no EXIF/GPS leaves the office either), then sent with its SHA-256 under an id
// made here — the same PUT the phones use, so a retried upload is the same attachment.
import { useState } from 'preact/hooks'
import { compressPhoto, sha256Hex } from '../../lib/photos.js'
import { officeApi } from '../api.js'
import { problemOf } from '../../data/problem.js'

export function PhotoUpload({ occurrence, onUploaded }) {
  const [busy, setBusy] = useState('')
  const [error, setError] = useState('')
  const id = `photo-upload-${occurrence.id}`

  async function upload(event) {
    const files = [...event.currentTarget.files]
    event.currentTarget.value = ''
    if (!files.length) return
    setError('')
    try {
      for (const [n, file] of files.entries()) {
        setBusy(`Enviando foto ${n + 1} de ${files.length}…`)
        const { blob } = await compressPhoto(file)
        const path = `/api/attachments/${crypto.randomUUID()}?kind=photo&occurrence_id=${occurrence.id}`
        await officeApi.put(path, blob, { 'Content-Type': blob.type, 'X-Content-SHA256': await sha256Hex(blob) })
      }
    } catch (e) {
      setError(e instanceof DOMException || e?.name === 'InvalidStateError' ? 'Não foi possível ler a imagem.' : problemOf(e).message)
    }
    setBusy('')
    onUploaded()
  }

  return (
    <div class="photo-upload">
      <label class="btn btn-small file-button" for={id}>
        Adicionar fotos
        <input id={id} type="file" accept="image/jpeg,image/png,image/webp" multiple onChange={upload} disabled={Boolean(busy)} />
      </label>
      {busy && (
        <span class="muted" role="status">
          {busy}
        </span>
      )}
      {error && (
        <span class="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  )
}
