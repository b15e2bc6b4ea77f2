import { PDFDict, PDFDocument, PDFHexString, PDFName } from 'pdf-lib';
import type { Browser } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../src/print/browser.ts';
import { nameDestinationsByString, readDestinationPages } from '../src/pdf/destinations.ts';

const LONG_ID = 'पाकिस्तान-के-नजदीक-जाता-दिख-रहा-रूस';
let browser: Browser;
let pdf: Uint8Array;

beforeAll(async () => {
  browser = await launchBrowser();
  const page = await browser.newPage();
  await page.setContent(`<!doctype html><html lang="hi"><style>@page { size: A5 } section { break-before: page }</style>
    <nav><a href="#पहला-अध्याय">1</a> <a href="#third">3</a> <a href="#50%off">4</a> <a href="#${LONG_ID}">5</a></nav>
    <section><h1 id="पहला-अध्याय">पहला अध्याय</h1></section>
    <section><h1 id="unlinked">दूसरा</h1></section>
    <section><h1 id="third">तीसरा</h1></section>
    <section><h1 id="50%off">५०%</h1></section>
    <section><h1 id="${LONG_ID}">रूस</h1></section></html>`);
  pdf = await page.pdf({ preferCSSPageSize: true, tagged: true });
  await page.close();
});

afterAll(async () => {
  await browser.close();
});

const EXPECTED = [
  ['पहला-अध्याय', 2],
  ['third', 4],
  ['50%off', 5],
  [LONG_ID, 6],
];

describe('readDestinationPages', () => {
  it('gives the page each linked id landed on, Devanagari ids intact', async () => {
    // Only linked ids are written by Chrome.
    expect([...(await readDestinationPages(pdf))]).toEqual(EXPECTED);
  });

  it('reads them back once they are named by strings, and the links follow', async () => {
    const document = await PDFDocument.load(pdf, { updateMetadata: false });
    nameDestinationsByString(document);
    const saved = await document.save();
    expect(new Map(await readDestinationPages(saved))).toEqual(new Map(EXPECTED as [string, number][]));

    const reloaded = await PDFDocument.load(saved, { updateMetadata: false });
    expect(reloaded.catalog.get(PDFName.of('Dests'))).toBeUndefined();
    const targets = (reloaded.getPage(0).node.Annots()?.asArray() ?? []).map((link) =>
      reloaded.context.lookup(link, PDFDict).get(PDFName.of('Dest')),
    );
    expect(targets).toHaveLength(4);
    for (const target of targets) expect(target).toBeInstanceOf(PDFHexString);
  });
});
