// What the HTML and PDF readers must keep of an answer word for word: list items that look like
// headings, and hyphens at the end of a printed line.
import { describe, expect, it } from 'vitest';
import { draftRegister } from '../src/import/draft.ts';
import { blocksFromHtml } from '../src/import/read-html.ts';

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
