import { deflateSync, inflateSync } from 'node:zlib';
import { decodePDFRawStream, PDFArray, PDFName, PDFRawStream, type PDFDocument, type PDFPageLeaf } from 'pdf-lib';

/**
 * A stream's decoded bytes. Chrome compresses every stream with Flate: Node's zlib reads it many
 * times faster than pdf-lib's JavaScript inflate; anything else goes through pdf-lib.
 */
export function streamBytes(raw: PDFRawStream): Uint8Array {
  const flate =
    raw.dict.get(PDFName.of('Filter')) === PDFName.of('FlateDecode') && !raw.dict.has(PDFName.of('DecodeParms'));
  return flate ? inflateSync(raw.contents) : decodePDFRawStream(raw).decode();
}

/** A page's content streams decoded and joined, as a latin1 string. */
export function readPageContent(document: PDFDocument, page: PDFPageLeaf): string | undefined {
  const contents = page.Contents();
  if (!contents) return undefined;
  const streams = contents instanceof PDFArray ? contents.asArray() : [contents];
  return streams
    .map((stream) => {
      const raw = document.context.lookup(stream);
      if (!(raw instanceof PDFRawStream)) throw new Error('a page content stream that pdf-lib cannot decode');
      return Buffer.from(streamBytes(raw)).toString('latin1');
    })
    .join('\n');
}

/** Replaces a page's content with one Flate stream of `text` (latin1). */
export function writePageContent(document: PDFDocument, page: PDFPageLeaf, text: string | Uint8Array): void {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const stream = document.context.stream(deflateSync(bytes), { Filter: 'FlateDecode' });
  page.set(PDFName.of('Contents'), document.context.register(stream));
}
