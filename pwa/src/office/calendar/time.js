// Times on the Agenda, in the store's timezone whatever the browser's own.
//
// FullCalendar's `timeZone` accepts a named zone (America/Sao_Paulo) only with a plugin
// (@fullcalendar/luxon3 or moment-timezone, which would add Luxon's ~70 KB to the chunk). Instead
// the calendar runs with `timeZone: 'UTC'` on the store's *wall clock*: each API instant
// (2026-11-28T09:30:00-03:00) is converted here, with Intl, into the store's local date and time
// ("2026-11-28T09:30:00", which FullCalendar in UTC mode shows as 09:30), and a time the calendar
// gives back (a UTC-coerced Date) goes to the API as the same naive local time, which the API reads
// in the store's timezone (docs/api.md). No offset arithmetic: daylight saving, were it
// ever to return, stays the server's and Intl's business.

const formatters = new Map()
function partsFormatter(timeZone) {
  if (!formatters.has(timeZone)) {
    formatters.set(
      timeZone,
      new Intl.DateTimeFormat('en-CA', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      }),
    )
  }
  return formatters.get(timeZone)
}

/** An instant (ISO 8601 with an offset, or a Date) as the store's wall clock: "2026-11-28T09:30:00". */
export function wallClock(instant, timeZone) {
  const date = instant instanceof Date ? instant : new Date(instant)
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not an instant: ${instant}`)
  const get = Object.fromEntries(
    partsFormatter(timeZone)
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  )
  return `${get.year}-${get.month}-${get.day}T${get.hour}:${get.minute}:${get.second}`
}

/** A date FullCalendar gives back (UTC mode: its UTC fields are the store's clock) as the API's naive time. */
export function fromCalendar(date) {
  return date.toISOString().slice(0, 19)
}

/** A wall-clock "2026-11-28T09:30:00" (or "2026-11-28") as the UTC-coerced Date FullCalendar works with. */
export function toCalendar(wall) {
  return new Date(wall.length === 10 ? `${wall}T00:00:00Z` : `${wall.slice(0, 19)}Z`)
}

/** "Now" on the store's clock, for FullCalendar's `now` (today's column, the red line). */
export function storeNow(timeZone, now = new Date()) {
  return wallClock(now, timeZone)
}

/** The store's day of a calendar date: "2026-11-28". */
export function dayOf(date) {
  return date.toISOString().slice(0, 10)
}

/** The visible range [start, end) as the agenda API's `from`/`to`: whole store days, `to` inclusive. */
export function rangeParams(start, end) {
  return { from: dayOf(start), to: dayOf(new Date(end.getTime() - 1)) }
}

export function addMinutes(date, minutes) {
  return new Date(date.getTime() + minutes * 60000)
}

/** "2026-11-28" and "09:30" (a form's date and time inputs) from a calendar date, and back. */
export function splitWall(date) {
  const wall = fromCalendar(date)
  return { day: wall.slice(0, 10), time: wall.slice(11, 16) }
}
export function joinWall(day, time) {
  return `${day}T${time.length === 5 ? `${time}:00` : time}`
}

const label = new Intl.DateTimeFormat('pt-BR', {
  timeZone: 'UTC',
  weekday: 'short',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
})
const clock = new Intl.DateTimeFormat('pt-BR', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit' })

/** "sáb., 28/11/2026, 09:30–11:00" for calendar dates (already on the store's clock). */
export function spanLabel(start, end) {
  return `${label.format(start)}, ${clock.format(start)}–${clock.format(end)}`
}
