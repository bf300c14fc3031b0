// The scoreboard chart: how many commitments stand at each status, as horizontal bars labelled in words
// with their counts. One function draws it; the page shows it inline and the weekly digest renders the
// same SVG to PNG (chart-png.ts). Plain presentation attributes only, so the page's strict CSP allows it.
import { STATUSES, type Status } from '../domain.ts';
import { STATUS_STYLE } from './status.ts';

export interface ChartInput {
  counts: Record<Status, number>;
  /** Shown above the bars, e.g. "28 commitments by status". */
  title: string;
}

/** The name of the chart's PNG when attached to a message. */
export const CHART_FILE = 'scoreboard.png';

const WIDTH = 560;
const ROW = 40;
const TOP = 60;
const LABEL_RIGHT = 170;
const BAR_LEFT = LABEL_RIGHT + 12;
const COUNT_ROOM = 56;
const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

/** The counts in words: the chart's description, its alt text, and the page's sentence under it. */
export function countsInWords(counts: Record<Status, number>): string {
  const total = STATUSES.reduce((n, s) => n + counts[s], 0);
  if (total === 0) return 'No commitments are loaded.';
  const parts = STATUSES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${STATUS_STYLE[s].label.toLowerCase()}`);
  return `${total} commitment${total === 1 ? '' : 's'}: ${parts.join(', ')}.`;
}

export function ScoreboardChart({ counts, title, id }: ChartInput & { id: string }) {
  const max = Math.max(1, ...STATUSES.map((s) => counts[s]));
  const height = TOP + STATUSES.length * ROW + 12;
  const room = WIDTH - BAR_LEFT - COUNT_ROOM;
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      viewBox={`0 0 ${WIDTH} ${height}`}
      width={WIDTH}
      height={height}
      role="img"
      aria-labelledby={`${id}-title ${id}-desc`}
      font-family={FONT}
    >
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{countsInWords(counts)}</desc>
      <rect width={WIDTH} height={height} fill="#ffffff" />
      <text x="16" y="36" font-size="22" font-weight="bold" fill="#111111">
        {title}
      </text>
      {STATUSES.map((s, i) => {
        const y = TOP + i * ROW;
        const bar = counts[s] > 0 ? Math.max(3, Math.round((counts[s] / max) * room)) : 0;
        return (
          <g>
            <text x={LABEL_RIGHT} y={y + 25} text-anchor="end" font-size="18" fill="#222222">
              {STATUS_STYLE[s].label}
            </text>
            <rect x={BAR_LEFT} y={y + 7} width={bar} height={ROW - 14} rx="3" fill={STATUS_STYLE[s].colour} />
            <text x={BAR_LEFT + bar + 8} y={y + 25} font-size="18" font-weight="bold" fill="#222222">
              {String(counts[s])}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** The chart as a standalone SVG document. */
export function scoreboardSvg(input: ChartInput): string {
  const chart = <ScoreboardChart {...input} id="scoreboard" />;
  if (chart instanceof Promise) throw new Error('the scoreboard chart did not render synchronously');
  const svg = chart.toString();
  if (!svg.startsWith('<svg')) throw new Error('the scoreboard chart did not render synchronously');
  return svg;
}
