// The office's URL: the path comes from lib/router.js (as in the technician app); the query string
// holds the case list's filters, so it is tracked here too (the shared router follows paths only).
import { useEffect, useState } from 'preact/hooks'
import { navigate } from '../lib/router.js'

const listeners = new Set()
const notify = () => listeners.forEach((listener) => listener())

/** Go to an office URL (path and query); the shared router re-renders on a new path. */
export function go(url, { replace = false } = {}) {
  navigate(url, { replace })
  notify()
}

/** Change only the query of the current page (filters), keeping history usable with Back. */
export function setSearch(search, { replace = false } = {}) {
  const url = location.pathname + search
  if (url === location.pathname + location.search) return
  history[replace ? 'replaceState' : 'pushState'](null, '', url)
  notify()
}

export function useSearch() {
  const [search, set] = useState(location.search)
  useEffect(() => {
    const update = () => set(location.search)
    listeners.add(update)
    window.addEventListener('popstate', update)
    return () => {
      listeners.delete(update)
      window.removeEventListener('popstate', update)
    }
  }, [])
  return search
}

/** In-app links (same tab, no modifier keys) navigate without reloading the page. */
export function officeLinkClick(event) {
  const anchor = event.target.closest('a[href^="/"]')
  if (!anchor || event.defaultPrevented || event.button > 0 || event.ctrlKey || event.metaKey || event.shiftKey || anchor.target) return
  event.preventDefault()
  go(anchor.getAttribute('href'))
}

export const RETURN_KEY = 'assistec:office-return'
