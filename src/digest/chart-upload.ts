// The digest's scoreboard chart as a file for Discord: rendered to PNG (src/web/chart-png.ts) when the
// message is sent, attached with its description as alt text, and shown by the embed that names
// attachment://scoreboard.png. If it cannot be drawn, the message goes without it (its text says the same).
import type { APIEmbed, RawFile } from 'discord.js';
import { CHART_FILE } from '../web/chart.tsx';
import { scoreboardPng } from '../web/chart-png.ts';
import type { RenderedMessage } from './render-digest.ts';

export interface ChartUpload {
  embeds: APIEmbed[];
  attachments?: { id: number; filename: string; description: string }[];
  files?: RawFile[];
}

export function chartUpload(m: RenderedMessage): ChartUpload {
  const refersToChart = (e: APIEmbed) => e.image?.url === `attachment://${CHART_FILE}`;
  if (m.chart) {
    try {
      const data = scoreboardPng(m.chart);
      return {
        embeds: m.embeds,
        attachments: [{ id: 0, filename: CHART_FILE, description: m.chart.alt.slice(0, 1024) }],
        files: [{ name: CHART_FILE, data, contentType: 'image/png' }],
      };
    } catch {
      // Fall through: no picture, and no embed pointing at one.
    }
  }
  return { embeds: m.embeds.map((e) => (refersToChart(e) ? { ...e, image: undefined } : e)) };
}
