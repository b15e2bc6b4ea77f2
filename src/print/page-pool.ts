import type { Browser, Page } from 'puppeteer';

/** What a page was set up for; a page is only reused for the same kind of work. */
export type PageKind = 'print' | 'cover';

/** Idle tabs per browser and kind; `blank` holds the tab the browser started with. */
const idle = new WeakMap<Browser, Map<PageKind | 'blank', Page[]>>();

/**
 * Runs `use` on a tab of the browser, reusing one that finished the same kind of work (a new
 * tab costs Chromium 0.2–0.5 s; a reused one, one navigation). The browser's first, empty tab
 * is the first reused. A tab whose work failed is closed, never reused, and so is one told not
 * to be (`reuse: false`).
 */
export async function withPage<T>(
  browser: Browser,
  kind: PageKind,
  use: (page: Page) => Promise<T>,
  { reuse = true }: { reuse?: boolean } = {},
): Promise<T> {
  const pools = await poolsOf(browser);
  const pool = pools.get(kind) ?? [];
  pools.set(kind, pool);
  const page = pool.pop() ?? pools.get('blank')?.pop() ?? (await browser.newPage());
  let reusable = false;
  try {
    const result = await use(page);
    reusable = reuse;
    return result;
  } finally {
    // Each use adds its own request handler.
    page.removeAllListeners('request');
    if (reusable && !page.isClosed()) {
      // An idle tab must not hold a whole book's document: it waits on an empty page, and
      // joins the pool once it got there (in the background: the job is done).
      void page.goto('about:blank').then(
        () => pool.push(page),
        () => page.close().catch(() => undefined),
      );
    } else {
      await page.close().catch(() => undefined);
    }
  }
}

async function poolsOf(browser: Browser): Promise<Map<PageKind | 'blank', Page[]>> {
  let pools = idle.get(browser);
  if (!pools) {
    pools = new Map();
    idle.set(browser, pools);
    const blank = (await browser.pages().catch(() => [])).filter((page) => page.url() === 'about:blank');
    pools.set('blank', blank);
  }
  return pools;
}
