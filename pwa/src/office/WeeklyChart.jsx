// Cases opened vs closed per week as plain SVG bars (no chart library: a few rectangles). The
// numbers are also in the SVG's description and in each bar's tooltip for screen readers.
import { weeklyBars } from './chart.js'

const WIDTH = 960
const HEIGHT = 220

export function WeeklyChart({ weeks }) {
  const { bars, ticks, plot } = weeklyBars(weeks, { width: WIDTH, height: HEIGHT })
  const summary = bars.map((b) => `semana de ${b.label}: ${b.week.opened} abertas, ${b.week.closed} finalizadas`).join('; ')
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="chart-title chart-desc" class="chart-svg" data-testid="weekly-chart">
        <title id="chart-title">Assistências abertas e finalizadas por semana</title>
        <desc id="chart-desc">{summary}</desc>
        {ticks.map((tick) => (
          <g key={tick.value}>
            <line x1="28" x2={WIDTH} y1={tick.y} y2={tick.y} class="chart-grid" />
            <text x="22" y={tick.y + 4} text-anchor="end" class="chart-tick">
              {tick.value}
            </text>
          </g>
        ))}
        {bars.map((b) => (
          <g key={b.label}>
            <rect class="bar-opened" x={b.opened.x} y={b.opened.y} width={b.opened.width} height={b.opened.height}>
              <title>{`Semana de ${b.label}: ${b.week.opened} abertas`}</title>
            </rect>
            <rect class="bar-closed" x={b.closed.x} y={b.closed.y} width={b.closed.width} height={b.closed.height}>
              <title>{`Semana de ${b.label}: ${b.week.closed} finalizadas`}</title>
            </rect>
            <text x={b.labelX} y={plot + 16} text-anchor="middle" class="chart-label">
              {b.label}
            </text>
          </g>
        ))}
      </svg>
      <figcaption class="chart-legend">
        <span class="legend legend-opened">Abertas</span>
        <span class="legend legend-closed">Finalizadas</span>
        <span class="muted small">Semanas de segunda a domingo; a última é a atual.</span>
      </figcaption>
    </figure>
  )
}
