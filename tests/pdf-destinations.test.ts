import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'puppeteer';
import { launchBrowser } from '../src/render/browser.ts';
import { readDestinationPages } from '../src/render/pdf-destinations.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser.close();
});

describe('readDestinationPages', () => {
  it('gives the page each linked id landed on, Devanagari ids intact', async () => {
    const page = await browser.newPage();
    await page.setContent(`<!doctype html><html lang="hi"><style>@page { size: A5 } section { break-before: page }</style>
      <nav><a href="#पहला-अध्याय">1</a> <a href="#third">3</a> <a href="#50%off">5</a></nav>
      <section><h1 id="पहला-अध्याय">पहला अध्याय</h1></section>
      <section><h1 id="unlinked">दूसरा</h1></section>
      <section><h1 id="third">तीसरा</h1></section>
      <section><h1 id="50%off">५०%</h1></section></html>`);
    const pdf = await page.pdf({ preferCSSPageSize: true, tagged: true });
    await page.close();

    const pages = await readDestinationPages(pdf);
    // Only linked ids are written by Chrome.
    expect([...pages]).toEqual([
      ['पहला-अध्याय', 2],
      ['third', 4],
      ['50%off', 5],
    ]);
  });
});
