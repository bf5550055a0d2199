import { describe, expect, it } from 'vitest'
import { addMinutes, dayOf, fromCalendar, joinWall, rangeParams, splitWall, storeNow, toCalendar, wallClock } from '../../src/office/calendar/time.js'

describe('Agenda times on the store clock (FullCalendar in UTC mode)', () => {
  it('turns an API instant into the store wall clock, whatever offset it was written with', () => {
    expect(wallClock('2026-11-28T09:30:00-03:00', 'America/Sao_Paulo')).toBe('2026-11-28T09:30:00')
    expect(wallClock('2026-11-28T12:30:00Z', 'America/Sao_Paulo')).toBe('2026-11-28T09:30:00')
    // Late evening in São Paulo is already tomorrow in UTC: the day is the store's.
    expect(wallClock('2026-11-29T01:15:00Z', 'America/Sao_Paulo')).toBe('2026-11-28T22:15:00')
    // Another store's zone (Manaus, UTC−4) and midnight written as 00, never 24.
    expect(wallClock('2026-11-28T04:00:00Z', 'America/Manaus')).toBe('2026-11-28T00:00:00')
    expect(wallClock(new Date('2026-11-28T12:00:00Z'), 'America/Manaus')).toBe('2026-11-28T08:00:00')
  })

  it('follows a zone with daylight saving (the server and Intl decide the offset)', () => {
    expect(wallClock('2026-07-01T12:00:00Z', 'America/New_York')).toBe('2026-07-01T08:00:00')
    expect(wallClock('2026-12-01T12:00:00Z', 'America/New_York')).toBe('2026-12-01T07:00:00')
  })

  it('refuses something that is not an instant', () => {
    expect(() => wallClock('amanhã', 'America/Sao_Paulo')).toThrow(RangeError)
  })

  it('gives a calendar date back to the API as the naive store time it shows', () => {
    const shown = toCalendar('2026-11-28T09:30:00')
    expect(shown.getUTCHours()).toBe(9) // FullCalendar in UTC mode draws it at 09:30
    expect(fromCalendar(shown)).toBe('2026-11-28T09:30:00')
    expect(fromCalendar(addMinutes(shown, 90))).toBe('2026-11-28T11:00:00')
    expect(toCalendar('2026-11-28').toISOString()).toBe('2026-11-28T00:00:00.000Z')
  })

  it("uses the store's now for today and the red line, not the browser's", () => {
    expect(storeNow('America/Sao_Paulo', new Date('2026-11-29T02:00:00Z'))).toBe('2026-11-28T23:00:00')
  })

  it('asks the agenda for whole store days, the exclusive end made inclusive', () => {
    const week = rangeParams(toCalendar('2026-11-22'), toCalendar('2026-11-29'))
    expect(week).toEqual({ from: '2026-11-22', to: '2026-11-28' })
    expect(rangeParams(toCalendar('2026-11-28'), toCalendar('2026-11-29'))).toEqual({ from: '2026-11-28', to: '2026-11-28' })
    expect(dayOf(toCalendar('2026-11-28T23:45:00'))).toBe('2026-11-28')
  })

  it('splits and joins the form fields', () => {
    expect(splitWall(toCalendar('2026-11-28T18:00:00'))).toEqual({ day: '2026-11-28', time: '18:00' })
    expect(joinWall('2026-11-28', '18:00')).toBe('2026-11-28T18:00:00')
    expect(joinWall('2026-11-28', '18:00:30')).toBe('2026-11-28T18:00:30')
  })
})
