// Where the tracker's pages are, as links that work from any page. Every link is relative to the page it
// is on, so the same pages work at the root of a host, under a reverse proxy's sub-path, and as static
// files opened from a folder (where each page is a `.html` file). PUBLIC_URL makes absolute links for
// Discord and the Atom feed.

export interface SiteLinks {
  /** The list page; `query` carries filters and the page number (the live site only). */
  home(query?: URLSearchParams): string;
  /** Page `n` of the unfiltered list (the static site pages it as files). */
  listPage(n: number): string;
  css(): string;
  commitment(id: string): string;
  /** `register` is given when more than one register is loaded: then the URL names it. */
  recommendation(n: number, register?: string): string;
  feeds(): string;
  atom(): string;
  apiList(): string;
  apiCommitment(id: string): string;
}

export interface LinkOptions {
  /** How many folders below the site's root the page is: 0 for `/`, 1 for `/commitments/x`. */
  depth: number;
  /** Static files: `.html` pages, and list pages as files instead of `?page=`. */
  static?: boolean;
}

export function siteLinks({ depth, static: isStatic = false }: LinkOptions): SiteLinks {
  const up = '../'.repeat(depth);
  const page = (path: string) => `${up}${path}${isStatic ? '.html' : ''}`;
  const root = isStatic ? `${up}index.html` : up || './';
  return {
    home: (query) => (query && query.size ? `${root}?${query.toString()}` : root),
    listPage: (n) => (n <= 1 ? root : isStatic ? page(`pages/${n}`) : `${root}?page=${n}`),
    css: () => `${up}style.css`,
    commitment: (id) => page(`commitments/${encodeURIComponent(id)}`),
    recommendation: (n, register) => page(register ? `registers/${encodeURIComponent(register)}/recommendations/${n}` : `recommendations/${n}`),
    feeds: () => page('feeds'),
    atom: () => `${up}feed.atom`,
    apiList: () => `${up}api/commitments.json`,
    apiCommitment: (id) => `${up}api/commitments/${encodeURIComponent(id)}.json`,
  };
}

/** The site's links from its root, made absolute against PUBLIC_URL (no trailing slash). */
export function absoluteLinks(publicUrl: string, isStatic = false): SiteLinks {
  const relative = siteLinks({ depth: 0, static: isStatic });
  const base = `${publicUrl}/`;
  const absolute = (path: string) => new URL(path, base).toString();
  return {
    home: (query) => absolute(relative.home(query)),
    listPage: (n) => absolute(relative.listPage(n)),
    css: () => absolute(relative.css()),
    commitment: (id) => absolute(relative.commitment(id)),
    recommendation: (n, register) => absolute(relative.recommendation(n, register)),
    feeds: () => absolute(relative.feeds()),
    atom: () => absolute(relative.atom()),
    apiList: () => absolute(relative.apiList()),
    apiCommitment: (id) => absolute(relative.apiCommitment(id)),
  };
}

/** A commitment's page on the public tracker, or undefined when PUBLIC_URL is not set. */
export const commitmentPageUrl = (publicUrl: string | undefined, id: string): string | undefined =>
  publicUrl ? absoluteLinks(publicUrl).commitment(id) : undefined;

/** The tracker's front page, or undefined when PUBLIC_URL is not set. */
export const trackerHomeUrl = (publicUrl: string | undefined): string | undefined => (publicUrl ? absoluteLinks(publicUrl).home() : undefined);
