// HTML as Parliament (publications.parliament.uk, committees.parliament.uk) and GOV.UK publish it:
// the article's paragraphs and headings in order, page furniture left out, bold paragraphs marked.
import * as cheerio from 'cheerio';
import type { Block } from './blocks.ts';

const BLOCKS = 'h1,h2,h3,h4,h5,h6,p,li,blockquote,pre,td,th,dt,dd,div';
const FURNITURE =
  'script,style,noscript,template,nav,header,footer,aside,form,[role=navigation],[role=banner],[role=contentinfo],[hidden],.govuk-breadcrumbs,.govuk-skip-link,.skip-link,.gem-c-contents-list,.govuk-footer,.govuk-header,#footer,#header,#breadcrumb,sup.footnote';
const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

export function blocksFromHtml(html: string): Block[] {
  const $ = cheerio.load(html);
  $(FURNITURE).remove();
  const main = ['main', '[role=main]', '#content', '.govspeak', 'article', 'body'].map((s) => $(s).first()).find((m) => m.length > 0) ?? $.root();
  const blocks: Block[] = [];
  main.find(BLOCKS).each((_, el) => {
    const node = $(el);
    // Only the innermost blocks: an <li> holding <p>s gives its paragraphs, not itself.
    if (node.find(BLOCKS).length > 0) {
      if (el.tagName !== 'div' && el.tagName !== 'li' && el.tagName !== 'blockquote' && el.tagName !== 'td') return;
      if (node.find(BLOCKS).filter((_, d) => squash($(d).text()) !== '').length > 0) return;
    }
    const text = squash(node.text());
    if (!text) return;
    const heading = /^h[1-6]$/.test(el.tagName);
    const boldText = squash(
      node
        .find('b,strong,[style*="font-weight:bold"],[style*="font-weight: bold"],.bold')
        .filter((_, b) => !$(b).parents('b,strong').length)
        .map((_, b) => $(b).text())
        .get()
        .join(' '),
    );
    const bold =
      !heading &&
      (/font-weight:\s*(?:bold|[6-9]00)/i.test(node.attr('style') ?? '') ||
        boldText.length >=
          0.7 *
            text
              .replace(/^\d+\s*[.)]\s*/, '')
              .replace(/\(Paragraphs? [\d,\s–-]+\)\.?$/, '')
              .trim().length);
    const listItem = el.tagName === 'li' || node.parents('li').length > 0;
    blocks.push({ text, ...(heading ? { heading } : {}), ...(bold ? { bold } : {}), ...(listItem ? { listItem } : {}) });
  });
  return blocks;
}
