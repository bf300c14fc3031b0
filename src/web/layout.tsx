// The frame of every page: landmarks (banner, navigation, main, contentinfo), a skip link, the
// stylesheet and the Atom feed's discovery link. Hono's JSX escapes every text and attribute value.
import type { Child } from 'hono/jsx';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Status } from '../domain.ts';
import type { SiteLinks } from './links.ts';
import { STATUS_STYLE } from './status.ts';

export interface PageContext {
  links: SiteLinks;
  /** Static files (`site --out`): no query-string forms. */
  isStatic: boolean;
  /** Registers by id, in order; with more than one, pages say which register a thing belongs to. */
  registers: { id: string; title: string; committee: string }[];
  /** Today in TIMEZONE. */
  today: string;
}

export const SITE_NAME = 'Commitment Watch';

export const multipleRegisters = (ctx: PageContext): boolean => ctx.registers.length > 1;
export const registerTitle = (ctx: PageContext, id: string): string => ctx.registers.find((r) => r.id === id)?.title ?? id;

export function Layout({ ctx, title, children }: { ctx: PageContext; title: string; children?: Child }) {
  const { links } = ctx;
  return (
    <html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title === SITE_NAME ? title : `${title} — ${SITE_NAME}`}</title>
        <link rel="stylesheet" href={links.css()} />
        <link rel="alternate" type="application/atom+xml" title={`${SITE_NAME}: what moved`} href={links.atom()} />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to the content
        </a>
        <header>
          <p class="site">
            <a href={links.home()}>{SITE_NAME}</a>
          </p>
          <nav aria-label="Site">
            <ul>
              <li>
                <a href={links.home()}>Commitments</a>
              </li>
              <li>
                <a href={links.feeds()}>Feeds</a>
              </li>
              <li>
                <a href={links.atom()}>Atom feed</a>
              </li>
              <li>
                <a href={links.apiList()}>JSON</a>
              </li>
            </ul>
          </nav>
        </header>
        <main id="main">{children}</main>
        <footer>
          <p>
            The UK Government’s commitments, tracked from its own words. Status as of {ctx.today}. Every change is dated and sourced; text quoted from feeds is shown
            as published.
          </p>
        </footer>
      </body>
    </html>
  );
}

/** A status in its colour, its symbol and its words. */
export function StatusBadge({ status }: { status: Status }) {
  const style = STATUS_STYLE[status];
  return (
    <span class={`status status-${status}`}>
      <span aria-hidden="true">{style.symbol} </span>
      {style.label}
    </span>
  );
}

/** A link to an outside address only when it is http(s); anything else is shown as text. */
export function OutsideLink({ href, children }: { href: string; children?: Child }) {
  if (!/^https?:\/\//i.test(href)) return <span>{children}</span>;
  return (
    <a href={href} rel="nofollow noopener noreferrer">
      {children}
    </a>
  );
}

/** A whole HTML document. Pages are synchronous components, so rendering never waits. */
export function renderDocument(page: HtmlEscapedString | Promise<HtmlEscapedString>): string {
  if (page instanceof Promise) throw new Error('a page rendered asynchronously');
  return `<!doctype html>\n${page}`;
}
