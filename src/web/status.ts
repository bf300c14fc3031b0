// How a status looks on the page and in the chart: its words, a colour, and a symbol, so that it is never
// told by colour alone. Colours are dark enough for white text (WCAG AA contrast).
import type { Position, Status } from '../domain.ts';

export const STATUS_STYLE: Record<Status, { label: string; colour: string; symbol: string }> = {
  'not-started': { label: 'Not started', colour: '#5f6670', symbol: '○' },
  'in-progress': { label: 'In progress', colour: '#1d4ed8', symbol: '◔' },
  stalled: { label: 'Stalled', colour: '#a16207', symbol: '‖' },
  delivered: { label: 'Delivered', colour: '#15803d', symbol: '✓' },
  'partly-delivered': { label: 'Partly delivered', colour: '#0f766e', symbol: '◑' },
  abandoned: { label: 'Abandoned', colour: '#b91c1c', symbol: '✗' },
  unclear: { label: 'Unclear', colour: '#7e22ce', symbol: '?' },
};

export const statusLabel = (s: Status): string => STATUS_STYLE[s].label;

export const POSITION_LABEL: Record<Position, string> = {
  accepted: 'Accepted',
  'accepted-in-part': 'Accepted in part',
  noted: 'Noted',
  'not-accepted': 'Not accepted',
};
