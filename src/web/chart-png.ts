// The scoreboard chart as a PNG (for the weekly digest's Discord embed), rendered on the server by resvg
// from the same SVG the page shows. Text is drawn with the machine's fonts (DejaVu Sans on Debian).
import { Resvg } from '@resvg/resvg-js';
import { scoreboardSvg, type ChartInput } from './chart.tsx';

export function scoreboardPng(input: ChartInput): Buffer {
  const resvg = new Resvg(scoreboardSvg(input), {
    fitTo: { mode: 'zoom', value: 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
