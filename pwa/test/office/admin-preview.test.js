import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPreviewer } from '../../src/office/admin/preview.js'

/** A render whose answers the test releases by hand, in any order. */
function fakeServer({ honorsAbort = true } = {}) {
  const calls = []
  const render = vi.fn((draft, signal) => {
    let settle
    const promise = new Promise((resolve, reject) => {
      settle = { resolve, reject }
    })
    if (honorsAbort) signal.addEventListener('abort', () => settle.reject(Object.assign(new Error('aborted'), { name: 'AbortError' })))
    calls.push({ draft, signal, ...settle })
    return promise
  })
  return { calls, render }
}

// Let the settled promises' callbacks run (the fake timers hold setTimeout back).
const flush = () => vi.advanceTimersByTimeAsync(0)

describe('layout preview', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('waits for the typing to stop: many edits, one render of the last draft', async () => {
    const { calls, render } = fakeServer()
    const states = []
    const previewer = createPreviewer({ render, onChange: (s) => states.push(s), delay: 1000 })
    previewer.schedule({ html: 'a' })
    vi.advanceTimersByTime(600)
    previewer.schedule({ html: 'ab' })
    vi.advanceTimersByTime(600)
    previewer.schedule({ html: 'abc' })
    vi.advanceTimersByTime(999)
    expect(render).not.toHaveBeenCalled()
    expect(previewer.pending).toBe(true)
    vi.advanceTimersByTime(1)
    expect(render).toHaveBeenCalledTimes(1)
    expect(calls[0].draft).toEqual({ html: 'abc' })
    expect(states.at(-1).status).toBe('loading')
    calls[0].resolve('pdf-abc')
    await vi.runAllTimersAsync()
    expect(states.at(-1)).toMatchObject({ status: 'ready', blob: 'pdf-abc', error: null, stale: false })
  })

  it('"Atualizar prévia" renders at once and cancels the pending debounce', async () => {
    const { calls, render } = fakeServer()
    const previewer = createPreviewer({ render, onChange: () => {}, delay: 1000 })
    previewer.schedule({ html: 'old' })
    previewer.now({ html: 'new' })
    expect(calls.map((c) => c.draft.html)).toEqual(['new'])
    vi.advanceTimersByTime(5000)
    expect(render).toHaveBeenCalledTimes(1)
  })

  it('only the newest request counts: the older one is aborted and its late answer ignored', async () => {
    const { calls, render } = fakeServer()
    const states = []
    const previewer = createPreviewer({ render, onChange: (s) => states.push(s) })
    previewer.now({ html: 'first' })
    previewer.now({ html: 'second' })
    expect(calls[0].signal.aborted).toBe(true)
    expect(calls[1].signal.aborted).toBe(false)
    calls[1].resolve('pdf-second')
    calls[0].resolve('pdf-first') // too late, and already rejected by the abort
    await vi.runAllTimersAsync()
    expect(states.filter((s) => s.status === 'ready').map((s) => s.blob)).toEqual(['pdf-second'])
    expect(states.some((s) => s.status === 'error')).toBe(false)
  })

  it('an answer that arrives after a newer request, abort or not, never replaces the newer preview', async () => {
    const { calls, render } = fakeServer({ honorsAbort: false })
    let state
    const previewer = createPreviewer({ render, onChange: (s) => (state = s) })
    previewer.now({ html: 'first' })
    previewer.now({ html: 'second' })
    calls[1].resolve('pdf-second')
    await flush()
    calls[0].resolve('pdf-first')
    await flush()
    expect(state).toMatchObject({ status: 'ready', blob: 'pdf-second' })
  })

  it('a refused template keeps the last good PDF, marked stale, until a good draft comes back', async () => {
    const { calls, render } = fakeServer()
    let state
    const previewer = createPreviewer({ render, onChange: (s) => (state = s) })
    previewer.now({ html: 'ok' })
    calls[0].resolve('pdf-ok')
    await flush()
    const refused = Object.assign(new Error('Dados inválidos'), { status: 422 })
    previewer.now({ html: '{% if %}' })
    calls[1].reject(refused)
    await flush()
    expect(state).toMatchObject({ status: 'error', blob: 'pdf-ok', error: refused, stale: true })
    previewer.now({ html: 'fixed' })
    calls[2].resolve('pdf-fixed')
    await flush()
    expect(state).toMatchObject({ status: 'ready', blob: 'pdf-fixed', error: null, stale: false })
  })

  it('an error before any PDF is not "stale" (nothing to show)', async () => {
    const { calls, render } = fakeServer()
    let state
    const previewer = createPreviewer({ render, onChange: (s) => (state = s) })
    previewer.now({ html: '{{' })
    calls[0].reject(new Error('422'))
    await flush()
    expect(state).toMatchObject({ status: 'error', blob: null, stale: false })
  })

  it('dispose cancels the timer and the request in flight, and reports nothing more', async () => {
    const { calls, render } = fakeServer()
    const onChange = vi.fn()
    const previewer = createPreviewer({ render, onChange, delay: 1000 })
    previewer.now({ html: 'a' })
    previewer.schedule({ html: 'b' })
    onChange.mockClear()
    previewer.dispose()
    expect(calls[0].signal.aborted).toBe(true)
    vi.advanceTimersByTime(5000)
    await flush()
    expect(render).toHaveBeenCalledTimes(1)
    expect(onChange).not.toHaveBeenCalled()
  })
})
