import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRef } from 'pdf-lib';

/**
 * Where each named destination of a PDF lands: id → page number (1-based).
 *
 * Chrome turns every element id that an internal link (`<a href="#id">`) points at into an
 * entry of the catalog's `/Dests` dictionary, `/id [pageRef /XYZ x y zoom]`; ids nothing links
 * to are not written. Chrome names each destination by the link's URL fragment, so Devanagari
 * ids arrive percent-encoded (`%E0%A4%AA…`) and are decoded back to the id.
 */
export async function readDestinationPages(pdf: Uint8Array): Promise<Map<string, number>> {
  const document = await PDFDocument.load(pdf, { updateMetadata: false });
  const pageNumbers = new Map<PDFRef, number>(document.getPages().map((page, index) => [page.ref, index + 1]));
  const pages = new Map<string, number>();
  const dests = document.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict);
  for (const [name, value] of dests?.entries() ?? []) {
    const destination = document.context.lookup(value);
    // A destination is either the array itself or a dictionary holding it under /D.
    const array = destination instanceof PDFDict ? destination.lookupMaybe(PDFName.of('D'), PDFArray) : destination;
    const target = array instanceof PDFArray ? array.get(0) : undefined;
    const page = target instanceof PDFRef ? pageNumbers.get(target) : undefined;
    if (page !== undefined) pages.set(fragmentId(name.decodeText()), page);
  }
  return pages;
}

function fragmentId(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    // A lone `%` in an id is left as it is by Chrome.
    return fragment;
  }
}
