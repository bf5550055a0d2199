// Dexie's liveQuery as a Preact hook: screens re-render whenever the rows they read change,
// whether the change came from this screen, the sync engine, or another tab.
import { liveQuery } from 'dexie'
import { useEffect, useState } from 'preact/hooks'

export function useLive(query, deps = [], initial = undefined) {
  const [value, setValue] = useState(initial)
  useEffect(() => {
    const subscription = liveQuery(query).subscribe({ next: setValue, error: (e) => console.error(e) })
    return () => subscription.unsubscribe()
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller names what the query depends on, as with useEffect
  }, deps)
  return value
}
