// The layout editor's live preview: a draft is rendered by the server (POST /api/layouts/preview.pdf)
// on demand ("Atualizar prévia") or after the typing stops for a moment. Only the newest request
// counts — an older one still running is cancelled, and its late answer ignored — and a template
// the server refuses keeps the last good PDF on screen, marked as outdated, with the messages.

export const PREVIEW_DELAY_MS = 1200

/**
 * render(draft, signal) → Promise<Blob>; onChange(state) gets
 * { status: 'idle'|'loading'|'ready'|'error', blob, error, stale }.
 */
export function createPreviewer({ render, onChange, delay = PREVIEW_DELAY_MS }) {
  let timer = null
  let controller = null
  let sequence = 0
  let state = { status: 'idle', blob: null, error: null, stale: false }

  const set = (patch) => {
    state = { ...state, ...patch }
    onChange(state)
  }

  async function run(draft) {
    clearTimeout(timer)
    timer = null
    controller?.abort()
    const mine = ++sequence
    controller = new AbortController()
    set({ status: 'loading' })
    try {
      const blob = await render(draft, controller.signal)
      if (mine !== sequence) return
      set({ status: 'ready', blob, error: null, stale: false })
    } catch (error) {
      if (mine !== sequence || error?.name === 'AbortError') return
      set({ status: 'error', error, stale: Boolean(state.blob) })
    }
  }

  return {
    /** Render after `delay` ms without another call (typing). */
    schedule(draft) {
      clearTimeout(timer)
      timer = setTimeout(() => run(draft), delay)
    },
    /** Render now (the button, the first load). */
    now: (draft) => run(draft),
    get pending() {
      return timer !== null
    },
    dispose() {
      clearTimeout(timer)
      timer = null
      sequence++
      controller?.abort()
    },
  }
}
