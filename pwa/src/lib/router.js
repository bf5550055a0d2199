// A small router: the URL is the state, so a reload or an app update lands on the same screen.
import { useEffect, useState } from 'preact/hooks'

const listeners = new Set()

export function navigate(path, { replace = false } = {}) {
  if (path === location.pathname + location.search) return
  history[replace ? 'replaceState' : 'pushState'](null, '', path)
  for (const listener of listeners) listener()
  window.scrollTo(0, 0)
}

export function usePath() {
  const [path, setPath] = useState(location.pathname)
  useEffect(() => {
    const update = () => setPath(location.pathname)
    listeners.add(update)
    window.addEventListener('popstate', update)
    return () => {
      listeners.delete(update)
      window.removeEventListener('popstate', update)
    }
  }, [])
  return path
}

/** Match "/visita/:id" against a path; returns the params or null. */
export function match(pattern, path) {
  const names = []
  const regex = new RegExp(`^${pattern.replace(/:(\w+)/g, (_, name) => (names.push(name), '([^/]+)'))}/?$`)
  const found = path.match(regex)
  return found ? Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(found[i + 1])])) : null
}

/** Links that navigate without reloading the page (and still work as links: long-press, new tab). */
export function onLinkClick(event) {
  const anchor = event.target.closest('a[href^="/"]')
  if (!anchor || event.ctrlKey || event.metaKey || event.shiftKey || anchor.target || anchor.hasAttribute('download')) return
  event.preventDefault()
  navigate(anchor.getAttribute('href'))
}
