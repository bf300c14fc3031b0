// The scoreboard chart as a PNG (for the weekly digest's Discord embed), rendered on the server by resvg
// from the same SVG the page shows. Text is drawn with the machine's fonts (DejaVu Sans on Debian).
import { Resvg } from '@resvg/resvg-js';
import { scoreboardSvg, type ChartInput } from './chart.tsx';

// A weekly digest to thousands of channels draws the same chart for each: drawing one takes ~30 ms of CPU
// (the system fonts are read every time), which alone held the digest fan-out under Discord's rate. The last
// few charts drawn are kept, by their SVG.
const KEPT = 8;
const drawn = new Map<string, Buffer>();

export function scoreboardPng(input: ChartInput): Buffer {
  const svg = scoreboardSvg(input);
  const kept = drawn.get(svg);
  if (kept) return kept;
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  const png = resvg.render().asPng();
  drawn.set(svg, png);
  if (drawn.size > KEPT) drawn.delete(drawn.keys().next().value!);
  return png;
}
