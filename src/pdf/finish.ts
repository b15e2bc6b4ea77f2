import { createHash } from 'node:crypto';
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFRef,
  PDFStream,
  PDFString,
  type PDFObject,
} from 'pdf-lib';
import { authorsOf, type FrontMatter } from '../model/front-matter.ts';
import { nameDestinationsByString } from './destinations.ts';
import { placeBleedImages } from './impose/bleed.ts';
import { TRIMS } from '../model/trim.ts';
import { escapeMarkup } from '../model/escape.ts';
import { conformanceXmp, makePdfA1b, makePdfX4, withHeaderVersion, type Conformance } from './conformance.ts';

export interface PdfMetadata {
  matter: FrontMatter;
  /** Creation and modification date. */
  date: Date;
  /** What the PDF was made from; the same input gives the same document id. */
  fingerprint: string;
  /** The archival level it is made to meet: the book is PDF/A-1b. */
  conformance?: Conformance;
}

const CREATOR = 'mudran';
const PRODUCER = 'mudran (Chromium, pdf-lib)';

/** A PDF as a stage made it; a finished one says its page count, so nobody parses it again to count. */
export interface PdfMade {
  pdf: Uint8Array;
  pages?: number;
}

/** Saves a finished document with its page count. */
export async function saveFinished(document: PDFDocument, metadata?: PdfMetadata): Promise<Required<PdfMade>> {
  // PDF/A-1 is PDF 1.4: no object streams, and so no cross-reference streams.
  const useObjectStreams = metadata?.conformance !== 'pdfa-1b';
  const pdf = await document.save({ updateFieldAppearances: false, useObjectStreams });
  return { pdf: withHeaderVersion(pdf, metadata?.conformance), pages: document.getPageCount() };
}

/**
 * Writes the metadata Chrome leaves out (author, subject, keywords, XMP), replaces what would
 * make two builds differ (dates, document id) and names destinations by strings. The document
 * is loaded and saved as it is, so the structure tree and outline Chrome wrote stay.
 */
export function finishDocument(document: PDFDocument, metadata: PdfMetadata): void {
  const { matter, date } = metadata;
  const authors = authorsOf(matter);
  const subject = matter.description ?? matter.subtitle;
  document.setTitle(matter.title, { showInWindowTitleBar: true });
  if (authors.length > 0) document.setAuthor(authors.join(', '));
  if (subject) document.setSubject(subject);
  // As the XMP's pdf:Keywords has them: pdf-lib's setKeywords joins with spaces, and PDF/A wants
  // the two equal.
  if (matter.keywords) {
    document.setKeywords(matter.keywords);
    const info = document.context.lookup(document.context.trailerInfo.Info);
    if (info instanceof PDFDict) info.set(PDFName.of('Keywords'), PDFHexString.fromText(matter.keywords.join(', ')));
  }
  document.setCreator(CREATOR);
  document.setProducer(PRODUCER);
  document.setCreationDate(date);
  document.setModificationDate(date);
  document.setLanguage(matter.lang);
  nameDestinationsByString(document);
  renumberStructureIds(document);
  // The book and the press file: full-bleed figures reach the page's edge (and the bleed).
  if (metadata.conformance !== undefined) placeBleedImages(document, TRIMS[matter.trim]);
  if (metadata.conformance === 'pdfa-1b') makePdfA1b(document);
  if (metadata.conformance === 'pdfx-4') makePdfX4(document);

  const id = createHash('sha256').update(metadata.fingerprint).digest('hex');
  const { context } = document;
  const old = document.catalog.get(PDFName.of('Metadata'));
  if (old instanceof PDFRef) context.delete(old);
  const xmp = context.stream(new TextEncoder().encode(xmpPacket(metadata, id)), { Type: 'Metadata', Subtype: 'XML' });
  document.catalog.set(PDFName.of('Metadata'), context.register(xmp));
  // Chrome's /ID changes with every print; this one changes with the input.
  const fileId = PDFHexString.of(id.slice(0, 32));
  context.trailerInfo.ID = context.obj([fileId, fileId]);
  dropUnreachableObjects(document);
}

/**
 * Chrome names the structure elements it gives an /ID (table headers, for the cells' /Headers)
 * after DOM node numbers, which depend on what else the browser printed before: renamed in the
 * structure tree's reading order, the same book gets the same ids however its prints were
 * scheduled.
 */
function renumberStructureIds(document: PDFDocument): void {
  const { context } = document;
  const root = document.catalog.lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict);
  if (!root) return;
  const renamed = new Map<string, string>();
  const named: [string, PDFRef][] = [];
  const elements: PDFDict[] = [];
  const pending: PDFObject[] = [root.get(PDFName.of('K'))].filter((kid): kid is PDFObject => kid !== undefined);
  const seen = new Set<PDFRef>();
  while (pending.length > 0) {
    const kid = pending.shift();
    const ref = kid instanceof PDFRef ? kid : undefined;
    if (ref && seen.has(ref)) continue;
    if (ref) seen.add(ref);
    const object = kid instanceof PDFRef ? context.lookup(kid) : kid;
    if (object instanceof PDFArray) {
      pending.unshift(...object.asArray());
      continue;
    }
    if (!(object instanceof PDFDict) || object.get(PDFName.of('S')) === undefined) continue;
    elements.push(object);
    const id = object.get(PDFName.of('ID'));
    if ((id instanceof PDFString || id instanceof PDFHexString) && ref) {
      const fresh = `id${String(renamed.size + 1).padStart(8, '0')}`;
      renamed.set(id.decodeText(), fresh);
      named.push([fresh, ref]);
      object.set(PDFName.of('ID'), PDFString.of(fresh));
    }
    const kids = object.get(PDFName.of('K'));
    if (kids !== undefined) pending.unshift(kids);
  }
  if (renamed.size === 0) return;
  const rename = (value: PDFObject) =>
    value instanceof PDFString || value instanceof PDFHexString
      ? PDFString.of(renamed.get(value.decodeText()) ?? value.decodeText())
      : value;
  for (const element of elements) {
    const attributes = context.lookup(element.get(PDFName.of('A')));
    const owners = attributes instanceof PDFArray ? attributes.asArray().map((a) => context.lookup(a)) : [attributes];
    for (const owner of owners) {
      const headers = owner instanceof PDFDict ? owner.lookupMaybe(PDFName.of('Headers'), PDFArray) : undefined;
      headers?.asArray().forEach((header, index) => headers.set(index, rename(header)));
    }
  }
  // Zero-padded, so the order of creation is the order of the bytes a name tree wants.
  root.set(PDFName.of('IDTree'), context.obj({ Names: named.flatMap(([id, ref]) => [PDFString.of(id), ref]) }));
}

/**
 * Deletes the objects nothing refers to any more: pdf-lib saves every object it holds, and
 * embedding pages for the booklet leaves copies of whole book pages behind (twice the size).
 */
function dropUnreachableObjects(document: PDFDocument): void {
  const { context } = document;
  const reached = new Set<PDFRef>();
  const pending: PDFObject[] = [context.trailerInfo.Root, context.trailerInfo.Info].filter(
    (object): object is PDFObject => object !== undefined,
  );
  for (let object = pending.pop(); object !== undefined; object = pending.pop()) {
    if (object instanceof PDFRef) {
      if (reached.has(object)) continue;
      reached.add(object);
      const target = context.lookup(object);
      if (target) pending.push(target);
    } else if (object instanceof PDFDict) {
      for (const value of object.values()) pending.push(value);
    } else if (object instanceof PDFArray) {
      for (const value of object.asArray()) pending.push(value);
    } else if (object instanceof PDFStream) {
      pending.push(object.dict);
    }
  }
  for (const [ref] of context.enumerateIndirectObjects()) if (!reached.has(ref)) context.delete(ref);
}

/** The XMP packet: Dublin Core, XMP basic and PDF properties, with ids from the fingerprint. */
function xmpPacket({ matter, date, conformance }: PdfMetadata, id: string): string {
  const when = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`;
  const lang = escapeMarkup(matter.lang);
  const alt = (text: string) => `<rdf:Alt><rdf:li xml:lang="x-default">${escapeMarkup(text)}</rdf:li></rdf:Alt>`;
  const list = (kind: 'Seq' | 'Bag', items: string[]) =>
    `<rdf:${kind}>${items.map((item) => `<rdf:li>${escapeMarkup(item)}</rdf:li>`).join('')}</rdf:${kind}>`;
  const subject = matter.description ?? matter.subtitle;
  const identification = conformanceXmp(conformance);
  const fields = [
    `<dc:format>application/pdf</dc:format>`,
    `<dc:title>${alt(matter.title)}</dc:title>`,
    // One entry, the Info dictionary's Author, where PDF/A holds the two to agreeing.
    authorsOf(matter).length > 0
      ? `<dc:creator>${list('Seq', conformance ? [authorsOf(matter).join(', ')] : authorsOf(matter))}</dc:creator>`
      : '',
    subject ? `<dc:description>${alt(subject)}</dc:description>` : '',
    matter.keywords ? `<dc:subject>${list('Bag', matter.keywords)}</dc:subject>` : '',
    matter.publisher ? `<dc:publisher>${list('Bag', [matter.publisher])}</dc:publisher>` : '',
    matter.rights ? `<dc:rights>${alt(matter.rights)}</dc:rights>` : '',
    `<dc:language>${list('Bag', [matter.lang])}</dc:language>`,
    `<xmp:CreatorTool>${CREATOR}</xmp:CreatorTool>`,
    `<xmp:CreateDate>${when}</xmp:CreateDate>`,
    `<xmp:ModifyDate>${when}</xmp:ModifyDate>`,
    `<xmp:MetadataDate>${when}</xmp:MetadataDate>`,
    `<pdf:Producer>${escapeMarkup(PRODUCER)}</pdf:Producer>`,
    matter.keywords ? `<pdf:Keywords>${escapeMarkup(matter.keywords.join(', '))}</pdf:Keywords>` : '',
    `<xmpMM:DocumentID>uuid:${uuid}</xmpMM:DocumentID>`,
    `<xmpMM:InstanceID>uuid:${uuid}</xmpMM:InstanceID>`,
    ...identification.fields,
  ].filter(Boolean);
  return [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    `<rdf:Description rdf:about="" xml:lang="${lang}" xmlns:dc="http://purl.org/dc/elements/1.1/"` +
      ` xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"` +
      ` xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"${identification.namespaces}>`,
    ...fields,
    '</rdf:Description>',
    '</rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>',
  ].join('\n');
}
