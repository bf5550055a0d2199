import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CHECK_EVERY_MS, watchForUpdates } from '../src/lib/update.js'

function fakeWindow(onLine = true) {
  const target = new EventTarget()
  target.navigator = { onLine }
  return target
}

function fakeDocument() {
  const target = new EventTarget()
  target.visibilityState = 'visible'
  return target
}

describe('watchForUpdates', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('asks for a new worker on a timer, with no event at all', async () => {
    const check = vi.fn().mockResolvedValue(undefined)
    watchForUpdates(check, { timers: globalThis, win: fakeWindow(), doc: fakeDocument() })
    expect(check).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(CHECK_EVERY_MS)
    expect(check).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(CHECK_EVERY_MS)
    expect(check).toHaveBeenCalledTimes(2)
    expect(CHECK_EVERY_MS).toBeLessThanOrEqual(60_000)
  })

  it('asks on focus and when the app is shown again', async () => {
    const check = vi.fn().mockResolvedValue(undefined)
    const win = fakeWindow()
    const doc = fakeDocument()
    watchForUpdates(check, { timers: globalThis, win, doc })
    win.dispatchEvent(new Event('focus'))
    await vi.advanceTimersByTimeAsync(0)
    expect(check).toHaveBeenCalledTimes(1)
    doc.visibilityState = 'hidden'
    doc.dispatchEvent(new Event('visibilitychange'))
    await vi.advanceTimersByTimeAsync(0)
    expect(check).toHaveBeenCalledTimes(1)
    doc.visibilityState = 'visible'
    doc.dispatchEvent(new Event('visibilitychange'))
    await vi.advanceTimersByTimeAsync(0)
    expect(check).toHaveBeenCalledTimes(2)
  })

  it('does not ask while offline, and a failed check is quiet and tried again later', async () => {
    const win = fakeWindow(false)
    const check = vi.fn().mockRejectedValue(new TypeError('Failed to fetch'))
    watchForUpdates(check, { timers: globalThis, win, doc: fakeDocument() })
    await vi.advanceTimersByTimeAsync(CHECK_EVERY_MS)
    expect(check).not.toHaveBeenCalled()
    win.navigator.onLine = true
    win.dispatchEvent(new Event('online'))
    await vi.advanceTimersByTimeAsync(0)
    expect(check).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(CHECK_EVERY_MS)
    expect(check).toHaveBeenCalledTimes(2)
  })
})
