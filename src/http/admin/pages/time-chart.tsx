import { scaleLinear, scalePoint } from 'd3-scale';
import { line } from 'd3-shape';
import { colors, fonts } from '../../../../emails/theme.js';

/** One line of a chart: a value per day, null where there is none (a rate with nothing sent). */
export interface ChartSeries {
  label: string;
  values: readonly (number | null)[];
  color: string;
  /** Dashed, so the series differ by more than their color. */
  dashed?: boolean;
}

/** A horizontal line at a value (a limit), labelled at its right end. */
export interface ChartLine {
  value: number;
  label: string;
}

export interface TimeChartProps {
  /** Unique on the page: the ids of the title and description derive from it. */
  id: string;
  /** The accessible name and the visible caption. */
  title: string;
  /** What the chart shows, in words, for those who cannot see it. */
  description: string;
  days: readonly string[];
  series: readonly ChartSeries[];
  lines?: readonly ChartLine[];
  /** The y axis's label. */
  yLabel: string;
  formatY: (value: number) => string;
  /** Counts: only whole-number ticks on the y axis. */
  whole?: boolean;
}

/** The colors the series use: 3:1 or more against white, and apart from each other. */
export const SERIES_COLORS = [colors.accent, '#b34700', '#2e7d32', '#6a1b9a'] as const;
const LIMIT_COLOR = '#b00020';

const WIDTH = 760;
const HEIGHT = 280;
const MARGIN = { top: 16, right: 96, bottom: 44, left: 64 };

/**
 * A line chart over days, drawn on the server as SVG (d3-scale for the axes, d3-shape for the
 * paths): no script, readable by itself (title, description, axis labels, a legend) and
 * named as one image for screen readers, who get the figures from the table beside it.
 */
export function TimeChart({
  id,
  title,
  description,
  days,
  series,
  lines = [],
  yLabel,
  formatY,
  whole = false,
}: TimeChartProps) {
  const x = scalePoint<string>()
    .domain(days as string[])
    .range([MARGIN.left, WIDTH - MARGIN.right]);
  const highest = Math.max(
    0,
    ...series.flatMap((s) => s.values.filter((v): v is number => v !== null)),
    ...lines.map((l) => l.value * 1.25),
  );
  const y = scaleLinear()
    .domain([0, highest > 0 ? highest : 1])
    .nice()
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const path = line<number | null>()
    .defined((v) => v !== null)
    .x((_, i) => x(days[i] as string) ?? 0)
    .y((v) => y(v ?? 0));
  const every = Math.max(1, Math.ceil(days.length / 8));
  const ticks = days.filter((_, i) => i % every === 0);
  const yTicks = y.ticks(5).filter((tick) => !whole || Number.isInteger(tick));
  // Labels of lines that lie close together are stacked, not drawn over each other.
  const labelY: number[] = [];
  for (const limit of [...lines].sort((a, b) => a.value - b.value)) {
    const at = y(limit.value);
    const previous = labelY.at(-1);
    labelY.push(previous !== undefined && previous - at < 13 ? previous - 13 : at);
  }
  const sortedLines = [...lines].sort((a, b) => a.value - b.value);
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        fontFamily={fonts.body}
        fontSize={12}
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {yTicks.map((tick) => (
          <g key={`y${tick}`}>
            <line
              x1={MARGIN.left}
              x2={WIDTH - MARGIN.right}
              y1={y(tick)}
              y2={y(tick)}
              stroke={colors.rule}
            />
            <text x={MARGIN.left - 6} y={y(tick)} dy="0.32em" textAnchor="end" fill={colors.ink}>
              {formatY(tick)}
            </text>
          </g>
        ))}
        {ticks.map((day) => (
          <text
            key={`x${day}`}
            x={x(day)}
            y={HEIGHT - MARGIN.bottom + 16}
            textAnchor="middle"
            fill={colors.ink}
          >
            {day.slice(5)}
          </text>
        ))}
        <text
          x={(MARGIN.left + WIDTH - MARGIN.right) / 2}
          y={HEIGHT - 6}
          textAnchor="middle"
          fill={colors.ink}
        >
          Day (UTC, month-day)
        </text>
        <text
          transform={`translate(14 ${(MARGIN.top + HEIGHT - MARGIN.bottom) / 2}) rotate(-90)`}
          textAnchor="middle"
          fill={colors.ink}
        >
          {yLabel}
        </text>
        <line
          x1={MARGIN.left}
          x2={WIDTH - MARGIN.right}
          y1={y(0)}
          y2={y(0)}
          stroke={colors.muted}
        />
        {sortedLines.map((limit, i) => (
          <g key={`l${limit.value}`}>
            <line
              x1={MARGIN.left}
              x2={WIDTH - MARGIN.right}
              y1={y(limit.value)}
              y2={y(limit.value)}
              stroke={LIMIT_COLOR}
              strokeDasharray="2 3"
            />
            <text x={WIDTH - MARGIN.right + 4} y={labelY[i]} dy="0.32em" fill={LIMIT_COLOR}>
              {limit.label}
            </text>
          </g>
        ))}
        {series.map((s) => (
          <path
            key={s.label}
            d={path([...s.values]) ?? ''}
            fill="none"
            stroke={s.color}
            strokeWidth={2}
            strokeDasharray={s.dashed ? '6 4' : undefined}
          />
        ))}
        {series.map((s) =>
          s.values.length === 1 && s.values[0] !== null ? (
            <circle
              key={`p${s.label}`}
              cx={x(days[0] as string)}
              cy={y(s.values[0] as number)}
              r={3}
              fill={s.color}
            />
          ) : null,
        )}
      </svg>
      <figcaption>
        <strong>{title}</strong>
        <span className="legend">
          {series.map((s) => (
            <span key={s.label} className="key">
              <svg width="28" height="10" aria-hidden="true" focusable="false">
                <line
                  x1="0"
                  x2="28"
                  y1="5"
                  y2="5"
                  stroke={s.color}
                  strokeWidth={3}
                  strokeDasharray={s.dashed ? '6 4' : undefined}
                />
              </svg>
              {s.label}
            </span>
          ))}
        </span>
      </figcaption>
    </figure>
  );
}
