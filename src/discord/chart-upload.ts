// The digest's scoreboard chart as a file for Discord: rendered to PNG (src/web/chart-png.ts) when the
// message is sent, attached with its description as alt text, and shown by the embed that names
// attachment://scoreboard.png. If it cannot be drawn, the message goes without it (its text says the same).
import type { APIEmbed, AttachmentPayload, RawFile } from 'discord.js';
import { CHART_FILE } from '../web/chart.tsx';
import { scoreboardPng } from '../web/chart-png.ts';
import type { RenderedMessage } from '../digest/render-digest.ts';

export interface ChartUpload {
  embeds: APIEmbed[];
  attachments?: { id: number; filename: string; description: string }[];
  files?: RawFile[];
}

/** The message's picture, or embeds that no longer point at one when there is none. */
function picture(m: RenderedMessage): { embeds: APIEmbed[]; png?: Buffer; alt?: string } {
  if (m.chart) {
    try {
      return { embeds: m.embeds, png: scoreboardPng(m.chart), alt: m.chart.alt.slice(0, 1024) };
    } catch {
      // Fall through: no picture, and no embed pointing at one.
    }
  }
  return { embeds: m.embeds.map((e) => (e.image?.url === `attachment://${CHART_FILE}` ? { ...e, image: undefined } : e)) };
}

/** For a message posted through REST: the body's embeds and attachments, and the file. */
export function chartUpload(m: RenderedMessage): ChartUpload {
  const { embeds, png, alt } = picture(m);
  if (!png) return { embeds };
  return { embeds, attachments: [{ id: 0, filename: CHART_FILE, description: alt ?? '' }], files: [{ name: CHART_FILE, data: png, contentType: 'image/png' }] };
}

/** For an interaction reply (/digest preview): the embeds and the file as discord.js takes them. */
export function chartReply(m: RenderedMessage): { embeds: APIEmbed[]; files?: AttachmentPayload[] } {
  const { embeds, png, alt } = picture(m);
  return png ? { embeds, files: [{ attachment: png, name: CHART_FILE, description: alt }] } : { embeds };
}
