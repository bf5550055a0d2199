// The double-booking dialog: the technician's visits that clash, and a choice — book it anyway
// (an "encaixe", sent again with allow_overlap) or keep things as they were.
import { conflictLines } from './conflict.js'
import { Modal } from './Modal.jsx'

/** Text whose case numbers (AT-2026-00042) and times never break at their hyphens or spaces. */
function Unbroken({ text }) {
  return text.split(/([A-Z]{1,4}-\d{4}-\d+|\d\d\/\d\d\/\d{4} \d\d:\d\d)/).map((part, n) =>
    n % 2 ? (
      <span key={n} class="nowrap">
        {part}
      </span>
    ) : (
      part
    ),
  )
}

export function ConflictDialog({ conflict, timeZone, onAnswer }) {
  const lines = conflictLines(conflict, timeZone)
  return (
    <Modal id="conflict" title="Conflito de horário" onClose={() => onAnswer(false)} class="cal-conflict" testId="conflict-dialog">
      <p role="alert">
        <Unbroken text={conflict.detail} />
      </p>
      {lines.length > 0 && (
        <>
          <p class="muted small">Visitas do técnico neste horário:</p>
          <ul class="cal-clash" data-testid="conflict-list">
            {lines.map((line) => (
              <li key={line}>
                <Unbroken text={line} />
              </li>
            ))}
          </ul>
        </>
      )}
      <div class="actions">
        <button type="button" class="btn btn-primary" onClick={() => onAnswer(true)}>
          Agendar mesmo assim (encaixe)
        </button>
        {/* focused first: Enter by habit keeps things as they were */}
        <button type="button" class="btn" onClick={() => onAnswer(false)} autoFocus>
          Cancelar
        </button>
      </div>
    </Modal>
  )
}
