// A modal <dialog> (showModal: focus moves in and stays, Esc closes, the page behind is inert).
import { useEffect, useRef } from 'preact/hooks'

export function Modal({ id, title, onClose, children, class: className = '', testId }) {
  const ref = useRef(null)
  useEffect(() => {
    const dialog = ref.current
    if (!dialog.open) dialog.showModal()
    return () => dialog.open && dialog.close()
  }, [])
  return (
    <dialog
      ref={ref}
      class={`cal-dialog ${className}`}
      aria-labelledby={`${id}-title`}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault() // Esc: let the owner decide (and unmount us)
        onClose()
      }}
    >
      <div class="cal-dialog-head">
        <h2 id={`${id}-title`}>{title}</h2>
        <button type="button" class="btn btn-ghost cal-close" onClick={onClose} aria-label="Fechar">
          ×
        </button>
      </div>
      {children}
    </dialog>
  )
}
