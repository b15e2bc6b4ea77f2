import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRef, PDFString, type PDFObject } from 'pdf-lib';

/**
 * Where each named destination of a PDF lands: id → page number (1-based).
 *
 * Chrome turns every element id that an internal link (`<a href="#id">`) points at into a named
 * destination, `[pageRef /XYZ x y zoom]`; ids nothing links to are not written. It names each
 * destination by the link's URL fragment, so Devanagari ids arrive percent-encoded (`%E0%A4%AA…`)
 * and are decoded back to the id. Both Chrome's catalog `/Dests` dictionary and the `/Names`
 * tree that mudran's post-processing moves them to (see nameDestinationsByString) are read.
 */
export async function readDestinationPages(pdf: Uint8Array): Promise<Map<string, number>> {
  return (await readPdfLayout(pdf)).destinations;
}

/** A PDF's page count and where each named destination lands, from one parse. */
export async function readPdfLayout(pdf: Uint8Array): Promise<{ pages: number; destinations: Map<string, number> }> {
  const document = await PDFDocument.load(pdf, { updateMetadata: false });
  return { pages: document.getPageCount(), destinations: destinationPages(document) };
}

function destinationPages(document: PDFDocument): Map<string, number> {
  const pageNumbers = new Map<PDFRef, number>(document.getPages().map((page, index) => [page.ref, index + 1]));
  const pages = new Map<string, number>();
  for (const [name, value] of destinationEntries(document)) {
    const destination = document.context.lookup(value);
    // A destination is either the array itself or a dictionary holding it under /D.
    const array = destination instanceof PDFDict ? destination.lookupMaybe(PDFName.of('D'), PDFArray) : destination;
    const target = array instanceof PDFArray ? array.get(0) : undefined;
    const page = target instanceof PDFRef ? pageNumbers.get(target) : undefined;
    if (page !== undefined) pages.set(fragmentId(name), page);
  }
  return pages;
}

/**
 * Moves Chrome's `/Dests` dictionary into a `/Names` tree keyed by strings, and points the links
 * at those strings. A name object may hold 127 bytes at most, and a percent-encoded Devanagari
 * id passes that at 15 letters (poppler then warns on every link); strings have no such limit.
 */
export function nameDestinationsByString(document: PDFDocument): void {
  const { catalog, context } = document;
  const dests = catalog.get(PDFName.of('Dests'));
  const dictionary = context.lookup(dests);
  if (!(dictionary instanceof PDFDict)) return;
  const entries = [...dictionary.entries()]
    .map(([name, value]) => [name.decodeText(), value] as const)
    // A name tree's keys are sorted by their bytes: these are ASCII, so by code unit.
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const tree = context.obj({ Names: entries.flatMap(([key, value]) => [byteString(key), value]) });
  catalog.set(PDFName.of('Names'), context.obj({ Dests: context.register(tree) }));
  catalog.delete(PDFName.of('Dests'));
  if (dests instanceof PDFRef) context.delete(dests);
  for (const page of document.getPages()) {
    const annotations = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray);
    for (const annotation of annotations?.asArray() ?? []) {
      const link = context.lookup(annotation);
      if (!(link instanceof PDFDict)) continue;
      const dest = link.get(PDFName.of('Dest'));
      if (dest instanceof PDFName) link.set(PDFName.of('Dest'), byteString(dest.decodeText()));
      const action = link.lookupMaybe(PDFName.of('A'), PDFDict);
      const target = action?.get(PDFName.of('D'));
      if (target instanceof PDFName) action?.set(PDFName.of('D'), byteString(target.decodeText()));
    }
  }
}

/** Named destinations, from Chrome's `/Dests` dictionary or from a `/Names` `/Dests` tree. */
function destinationEntries(document: PDFDocument): [string, PDFObject][] {
  const dests = document.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict);
  if (dests) return [...dests.entries()].map(([name, value]) => [name.decodeText(), value]);
  const names = document.catalog.lookupMaybe(PDFName.of('Names'), PDFDict);
  const root = names?.lookupMaybe(PDFName.of('Dests'), PDFDict);
  const entries: [string, PDFObject][] = [];
  const walk = (node: PDFDict) => {
    const pairs = node.lookupMaybe(PDFName.of('Names'), PDFArray)?.asArray() ?? [];
    for (let index = 0; index + 1 < pairs.length; index += 2) {
      const key = pairs[index];
      const value = pairs[index + 1];
      if ((key instanceof PDFString || key instanceof PDFHexString) && value) entries.push([key.decodeText(), value]);
    }
    for (const kid of node.lookupMaybe(PDFName.of('Kids'), PDFArray)?.asArray() ?? []) {
      const child = document.context.lookup(kid);
      if (child instanceof PDFDict) walk(child);
    }
  };
  if (root) walk(root);
  return entries;
}

/** The string's characters as bytes, written in hex so that no character needs escaping. */
function byteString(text: string): PDFHexString {
  return PDFHexString.of([...text].map((char) => char.charCodeAt(0).toString(16).padStart(2, '0')).join(''));
}

function fragmentId(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    // A lone `%` in an id is left as it is by Chrome.
    return fragment;
  }
}
