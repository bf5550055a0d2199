// The one router of both apps: the URL is the state (path and query), so a reload or an app
// update lands on the same screen; the office's list filters live in the query.
import { useEffect, useState } from 'preact/hooks'

const listeners = new Set()
const notify = () => listeners.forEach((listener) => listener())

/** Go to an in-app URL (path and query). */
export function navigate(url, { replace = false } = {}) {
  if (url === location.pathname + location.search) return
  history[replace ? 'replaceState' : 'pushState'](null, '', url)
  notify()
  window.scrollTo(0, 0)
}

/** Change only the query of the current page (filters), keeping Back usable; the page stays scrolled. */
export function setSearch(search, { replace = false } = {}) {
  const url = location.pathname + search
  if (url === location.pathname + location.search) return
  history[replace ? 'replaceState' : 'pushState'](null, '', url)
  notify()
}

/** A value read from `location`, kept current on navigate, setSearch and Back/Forward. */
function useLocation(read) {
  const [value, setValue] = useState(read)
  useEffect(() => {
    const update = () => setValue(read())
    listeners.add(update)
    window.addEventListener('popstate', update)
    return () => {
      listeners.delete(update)
      window.removeEventListener('popstate', update)
    }
  }, [read])
  return value
}

const readPath = () => location.pathname
const readSearch = () => location.search
export const usePath = () => useLocation(readPath)
export const useSearch = () => useLocation(readSearch)

/** Match "/visita/:id" against a path; returns the params or null. */
export function match(pattern, path) {
  const names = []
  const regex = new RegExp(`^${pattern.replace(/:(\w+)/g, (_, name) => (names.push(name), '([^/]+)'))}/?$`)
  const found = path.match(regex)
  return found ? Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(found[i + 1])])) : null
}

/**
 * Links that navigate without reloading the page; they stay real links: a modified or middle
 * click, a target, a download or a handler that already took the click leave it to the browser.
 */
export function onLinkClick(event) {
  const anchor = event.target.closest('a[href^="/"]')
  if (!anchor || event.defaultPrevented || event.button > 0) return
  if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey || anchor.target || anchor.hasAttribute('download')) return
  event.preventDefault()
  navigate(anchor.getAttribute('href'))
}

// The office page to reopen after a login (the session ended, or the link was opened logged out).
const RETURN_KEY = 'assistec:office-return'
export const rememberReturn = (url = location.pathname + location.search) => sessionStorage.setItem(RETURN_KEY, url)
export function takeReturn() {
  const url = sessionStorage.getItem(RETURN_KEY)
  sessionStorage.removeItem(RETURN_KEY)
  return url
}
