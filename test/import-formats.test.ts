// What the HTML and PDF readers must keep of an answer word for word: list items that look like
// headings, and hyphens at the end of a printed line.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { draftRegister } from '../src/import/draft.ts';
import { blocksFromHtml } from '../src/import/read-html.ts';
import { blocksFromPdf } from '../src/import/read-pdf.ts';
import { readDocument } from '../src/import/read-source.ts';
import { tempDir } from './support/temp-dir.ts';

/** A PDF of one paragraph printed on the lines given, as a typesetter broke them. */
async function pdfOfLines(lines: string[]): Promise<Uint8Array> {
  const doc = new PDFDocument({ size: 'A4' });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((resolve) => doc.on('end', resolve));
  doc.font('Helvetica').fontSize(11);
  for (const [i, line] of lines.entries()) doc.text(line, 72, 100 + i * 14, { lineBreak: false });
  doc.end();
  await ended;
  return new Uint8Array(Buffer.concat(chunks));
}

describe('HTML', () => {
  // GOV.UK answers often end with a bulleted list of short, unpunctuated items.
  const html = `<!DOCTYPE html><html><body><main>
<h1>Rural Roads: Government Response to the Committee’s Report</h1>
<h2>Roads</h2>
<p><b>Recommendation 1</b></p>
<p><b>The Department should publish a strategy for rural roads.</b></p>
<p>We accept this recommendation. The Department for Transport will:</p>
<ul><li>Publish the rural roads strategy</li><li>Consult councils on its funding</li></ul>
<p><b>Recommendation 2</b></p>
<p><b>The Department should review the pothole fund.</b></p>
<p>We accept this recommendation. The Department will:</p>
<ul><li>Review the pothole fund formula</li><li>Report the findings to Parliament</li></ul>
</main></body></html>`;

  it('keeps list items at the end of an answer in the answer, and never takes one for the next theme', () => {
    const draft = draftRegister(blocksFromHtml(html), { today: '2025-06-01' });
    expect(draft.recommendations.map((r) => [r.theme, r.response])).toEqual([
      ['Roads', 'We accept this recommendation. The Department for Transport will:\nPublish the rural roads strategy\nConsult councils on its funding'],
      ['Roads', 'We accept this recommendation. The Department will:\nReview the pothole fund formula\nReport the findings to Parliament'],
    ]);
  });
});

describe('PDF', () => {
  it('rejoins a word broken at its hyphen, and keeps the space after a hyphen left hanging before "and"/"or"', async () => {
    const pdf = await pdfOfLines([
      'The Government will assess both the short-',
      'and long-term effects on the principle of non-',
      'refoulement, and on pre- or post-arrival support.',
    ]);
    expect((await blocksFromPdf(pdf)).blocks.map((b) => b.text)).toEqual([
      'The Government will assess both the short- and long-term effects on the principle of non-refoulement, and on pre- or post-arrival support.',
    ]);
  });

  it('names the words it rejoined at a hyphen, since a typesetter’s hyphen cannot be told from the word’s own', async () => {
    const pdf = await pdfOfLines(['We will consult on the non-', 'refoulement duty and its respon-', 'sibilities, and on short- and long-term aims.']);
    const text = await blocksFromPdf(pdf);
    expect(text.blocks[0]?.text).toBe('We will consult on the non-refoulement duty and its respon-sibilities, and on short- and long-term aims.');
    expect(text.hyphenated).toEqual(['non-refoulement', 'respon-sibilities']);
  });
});

describe('plain text', () => {
  it('a file saved as Windows-1252 keeps its curly quotes and dashes, with a warning to check them', async () => {
    const dir = tempDir('cw-import-cp1252-');
    try {
      const file = join(dir, 'response.txt');
      // "The Government’s response – in full" with ’ and – as Windows-1252 bytes 0x92 and 0x96.
      writeFileSync(file, Buffer.from([...Buffer.from('The Government'), 0x92, ...Buffer.from('s response '), 0x96, ...Buffer.from(' in full')]));
      const read = await readDocument(file, () => {
        throw new Error('a file must not be fetched');
      });
      expect(read.ok && read.value.blocks.map((b) => b.text)).toEqual(['The Government’s response – in full']);
      expect(read.ok && read.value.warnings).toEqual(['the file is not UTF-8: it was read as Windows-1252; check quotes, dashes and accents against the document']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
