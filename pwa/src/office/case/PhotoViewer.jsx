// The photos of an occurrence at full size in a modal <dialog>: Esc closes it (the browser's own
// handling), ← and → move between photos, focus returns to the thumbnail that opened it.
import { useEffect, useRef } from 'preact/hooks'

export function PhotoViewer({ photos, index, onIndex, onClose, title }) {
  const dialog = useRef(null)
  useEffect(() => {
    const el = dialog.current
    if (el && !el.open) el.showModal()
  }, [])
  const photo = photos[index]
  const move = (step) => onIndex((index + step + photos.length) % photos.length)
  const onKeyDown = (event) => {
    if (event.key === 'ArrowRight') {
      event.preventDefault()
      move(1)
    } else if (event.key === 'ArrowLeft') {
      event.preventDefault()
      move(-1)
    }
  }
  return (
    <dialog
      ref={dialog}
      class="photo-viewer"
      aria-label={`${title}: foto ${index + 1} de ${photos.length}`}
      onKeyDown={onKeyDown}
      onClose={onClose}
      onClick={(event) => event.target === dialog.current && dialog.current.close()}
      data-testid="photo-viewer"
    >
      <div class="photo-viewer-bar">
        <span>
          {title} — foto {index + 1} de {photos.length}
        </span>
        <button type="button" class="btn" onClick={() => dialog.current.close()}>
          Fechar
        </button>
      </div>
      <img src={`/api/attachments/${photo.id}`} alt={`Foto ${index + 1} de ${photos.length}`} width={photo.width} height={photo.height} />
      {photos.length > 1 && (
        <div class="photo-viewer-nav">
          <button type="button" class="btn" onClick={() => move(-1)} aria-label="Foto anterior">
            ← Anterior
          </button>
          <button type="button" class="btn" onClick={() => move(1)} aria-label="Próxima foto">
            Próxima →
          </button>
        </div>
      )}
    </dialog>
  )
}
