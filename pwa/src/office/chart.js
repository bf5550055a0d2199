// Geometry of the painel's weekly chart (opened vs closed per week) as plain numbers, so the SVG
// component only draws and the scaling is unit-tested.

/** A "nice" axis maximum at or above `value`: 1, 2, 5 × 10ⁿ (never 0, so nothing divides by it). */
export function niceMax(value) {
  if (!(value > 0)) return 1
  const power = 10 ** Math.floor(Math.log10(value))
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power
  return 10 * power
}

/**
 * weeks: [{week_start: '2026-10-05', opened, closed}] → bars and ticks inside a width × height box
 * whose bottom `axis` px hold the labels and left `gutter` px the scale.
 */
export function weeklyBars(weeks, { width = 560, height = 200, axis = 24, gutter = 28, gap = 0.3 } = {}) {
  const max = niceMax(Math.max(0, ...weeks.flatMap((w) => [w.opened, w.closed])))
  const plot = height - axis
  const slot = weeks.length ? (width - gutter) / weeks.length : 0
  const bar = (slot * (1 - gap)) / 2
  const scale = (n) => (n / max) * (plot - 8)
  const bars = weeks.map((week, i) => {
    const x = gutter + i * slot + (slot * gap) / 2
    const [day, month] = week.week_start.split('-').reverse()
    return {
      label: `${day}/${month}`,
      week,
      opened: { x, y: plot - scale(week.opened), width: bar, height: scale(week.opened) },
      closed: { x: x + bar, y: plot - scale(week.closed), width: bar, height: scale(week.closed) },
      labelX: x + bar,
    }
  })
  const ticks = [0, max / 2, max].filter((t, i, all) => Number.isInteger(t) && all.indexOf(t) === i)
  return { max, plot, bars, ticks: ticks.map((value) => ({ value, y: plot - scale(value) })) }
}
