import { deflateSync, inflateSync } from 'node:zlib';
import { decodePDFRawStream, PDFArray, PDFName, PDFRawStream, type PDFDocument, type PDFPageLeaf } from 'pdf-lib';

/** A page's content streams decoded and joined, as a latin1 string (Chrome's are Flate: Node's zlib reads them fastest). */
export function readPageContent(document: PDFDocument, page: PDFPageLeaf): string | undefined {
  const contents = page.Contents();
  if (!contents) return undefined;
  const streams = contents instanceof PDFArray ? contents.asArray() : [contents];
  return streams
    .map((stream) => {
      const raw = document.context.lookup(stream);
      if (!(raw instanceof PDFRawStream)) throw new Error('a page content stream that pdf-lib cannot decode');
      const flate =
        raw.dict.get(PDFName.of('Filter')) === PDFName.of('FlateDecode') && !raw.dict.has(PDFName.of('DecodeParms'));
      return Buffer.from(flate ? inflateSync(raw.contents) : decodePDFRawStream(raw).decode()).toString('latin1');
    })
    .join('\n');
}

/** Replaces a page's content with one Flate stream of `text` (latin1). */
export function writePageContent(document: PDFDocument, page: PDFPageLeaf, text: string): void {
  const stream = document.context.stream(deflateSync(Buffer.from(text, 'latin1')), { Filter: 'FlateDecode' });
  page.set(PDFName.of('Contents'), document.context.register(stream));
}
