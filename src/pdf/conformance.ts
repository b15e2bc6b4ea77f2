import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  PDFDict,
  PDFDocument,
  PDFName,
  PDFNumber,
  PDFArray,
  PDFRawStream,
  PDFRef,
  PDFString,
  PDFStream,
} from 'pdf-lib';
import { TEMPLATES_DIR } from '../model/paths.ts';
import { glyphCount } from '../fonts/sfnt.ts';
import { streamBytes } from './page-content.ts';

/** The standard a finished PDF claims and is made to meet: PDF/A-1b for archives, PDF/X-4 for presses. */
export type Conformance = 'pdfa-1b' | 'pdfx-4';

/** sRGB (IEC 61966-2.1), ICC v2: the book's output intent (templates/icc/LICENCE.md). */
const profiles = new Map<string, Uint8Array>();
function profile(name: 'sRGB.icc' | 'FOGRA39-mudran.icc'): Uint8Array {
  let bytes = profiles.get(name);
  if (!bytes) profiles.set(name, (bytes = readFileSync(path.join(TEMPLATES_DIR, 'icc', name))));
  return bytes;
}

/** The press's printing condition: offset on coated paper, ISO 12647-2 (the FOGRA39 data). */
const PRESS_CONDITION = 'FOGRA39';

/** What the XMP packet adds to say the level: `pdfaid` part and conformance. */
export function conformanceXmp(conformance: Conformance | undefined): { namespaces: string; fields: string[] } {
  if (conformance === 'pdfx-4') {
    return {
      namespaces: ' xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/"',
      fields: ['<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>', '<pdf:Trapped>False</pdf:Trapped>'],
    };
  }
  if (conformance !== 'pdfa-1b') return { namespaces: '', fields: [] };
  return {
    namespaces: ' xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"',
    fields: ['<pdfaid:part>1</pdfaid:part>', '<pdfaid:conformance>B</pdfaid:conformance>'],
  };
}

/**
 * Makes a Chrome print of the book meet PDF/A-1b (ISO 19005-1, level B), which Apache PDFBox
 * Preflight checks in `make test`: an sRGB output intent, so Chrome's DeviceRGB colour has a
 * profile; a CIDSet for every subset CID font; every annotation printable; no transparency
 * group on pages that paint nothing transparent. The XMP identification and the agreement of
 * Info and XMP are finish.ts's; saving without object streams (no cross-reference streams) is
 * the caller's.
 */
export function makePdfA1b(document: PDFDocument): void {
  const { context } = document;
  const srgb = context.stream(profile('sRGB.icc'), { N: 3 });
  const intent = context.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFA1',
    OutputConditionIdentifier: PDFString.of('sRGB IEC61966-2.1'),
    Info: PDFString.of('sRGB IEC61966-2.1'),
    RegistryName: PDFString.of('http://www.color.org'),
  });
  const profileRef = context.register(srgb);
  intent.set(PDFName.of('DestOutputProfile'), profileRef);
  document.catalog.set(PDFName.of('OutputIntents'), context.obj([context.register(intent)]));
  for (const [, object] of context.enumerateIndirectObjects()) {
    // Chrome tags images with an ICC v4 sRGB profile, newer than PDF 1.4 knows: ours is v2.
    if (object instanceof PDFStream) useProfile(object.dict, profileRef);
    if (!(object instanceof PDFDict)) continue;
    const type = object.get(PDFName.of('Type'));
    if (type === PDFName.of('FontDescriptor')) addCidSet(document, object);
    if (type === PDFName.of('Annot') || object.get(PDFName.of('Subtype')) === PDFName.of('Link')) {
      // Printable, never hidden: PDF/A-1 wants every annotation to print as it shows.
      object.set(PDFName.of('F'), PDFNumber.of(4));
    }
  }
  for (const page of document.getPages()) {
    // Chrome gives each page a transparency group whether or not it paints anything transparent.
    if (!usesTransparency(page.node.Resources())) page.node.delete(PDFName.of('Group'));
  }
}

/** An image's `[/ICCBased profile]` of three components, pointed at the book's sRGB profile. */
function useProfile(dict: PDFDict, profile: PDFRef): void {
  if (dict.get(PDFName.of('Subtype')) !== PDFName.of('Image')) return;
  const space = dict.lookup(PDFName.of('ColorSpace'));
  if (!(space instanceof PDFArray) || space.get(0) !== PDFName.of('ICCBased')) return;
  const current = space.lookup(1);
  if (current instanceof PDFStream && current.dict.lookupMaybe(PDFName.of('N'), PDFNumber)?.asNumber() === 3) {
    space.set(1, profile);
  }
}

/** Whether a page's resources hold soft masks or constant alpha below 1 (PDF/A-1 forbids both). */
function usesTransparency(resources: PDFDict | undefined): boolean {
  const states = resources?.lookupMaybe(PDFName.of('ExtGState'), PDFDict);
  for (const [, value] of states?.entries() ?? []) {
    const state = states?.context.lookup(value);
    if (!(state instanceof PDFDict)) continue;
    const soft = state.get(PDFName.of('SMask'));
    if (soft !== undefined && soft !== PDFName.of('None')) return true;
    for (const key of ['CA', 'ca']) {
      const alpha = state.get(PDFName.of(key));
      if (alpha instanceof PDFNumber && alpha.asNumber() < 1) return true;
    }
  }
  return false;
}

/**
 * A CIDSet for a subset TrueType CID font (`ABCDEF+Name`): a bit per CID, set for each glyph the
 * embedded font program holds. Chrome maps CIDs to glyph ids one to one (Identity).
 */
function addCidSet(document: PDFDocument, descriptor: PDFDict): void {
  const name = descriptor.get(PDFName.of('FontName'));
  if (!(name instanceof PDFName) || !/^\/?[A-Z]{6}\+/.test(name.asString())) return;
  const file = descriptor.lookup(PDFName.of('FontFile2'));
  if (!(file instanceof PDFStream) || descriptor.has(PDFName.of('CIDSet'))) return;
  const glyphs = glyphCount(file instanceof PDFRawStream ? streamBytes(file) : file.getContents());
  if (!glyphs) return;
  const bits = new Uint8Array(Math.ceil(glyphs / 8));
  for (let gid = 0; gid < glyphs; gid++) bits[gid >> 3]! |= 0x80 >> (gid & 7);
  descriptor.set(PDFName.of('CIDSet'), document.context.register(document.context.flateStream(bits)));
}

/**
 * Makes the press file meet PDF/X-4 (ISO 15930-7): a CMYK output intent for offset on coated
 * paper (FOGRA39, templates/icc/LICENCE.md), `GTS_PDFXVersion` and `/Trapped /False` in Info
 * (the XMP says the same, see finish.ts), and sRGB as every page's DefaultRGB, so any
 * colour that is not black or grey (which press.ts made K-only) is device-independent.
 */
export function makePdfX4(document: PDFDocument): void {
  const { context } = document;
  const cmyk = context.register(context.stream(profile('FOGRA39-mudran.icc'), { N: 4 }));
  const intent = context.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFX',
    OutputConditionIdentifier: PDFString.of(PRESS_CONDITION),
    OutputCondition: PDFString.of('Offset printing, coated paper, ISO 12647-2:2004/Amd 1 (FOGRA39)'),
    Info: PDFString.of('Coated FOGRA39 (ISO 12647-2:2004)'),
    RegistryName: PDFString.of('http://www.color.org'),
    DestOutputProfile: cmyk,
  });
  document.catalog.set(PDFName.of('OutputIntents'), context.obj([context.register(intent)]));
  const info = context.lookup(context.trailerInfo.Info);
  if (info instanceof PDFDict) {
    info.set(PDFName.of('GTS_PDFXVersion'), PDFString.of('PDF/X-4'));
    info.set(PDFName.of('Trapped'), PDFName.of('False'));
  }
  const srgb = context.register(context.stream(profile('sRGB.icc'), { N: 3 }));
  for (const page of document.getPages()) {
    const resources = page.node.Resources() ?? context.obj({});
    const spaces = resources.lookupMaybe(PDFName.of('ColorSpace'), PDFDict) ?? context.obj({});
    spaces.set(PDFName.of('DefaultRGB'), context.obj([PDFName.of('ICCBased'), srgb]));
    resources.set(PDFName.of('ColorSpace'), spaces);
    page.node.set(PDFName.of('Resources'), resources);
  }
}

/**
 * The version a standard is built on, for the file header: PDF/A-1 is PDF 1.4, PDF/X-4 PDF 1.6
 * (pdf-lib always writes 1.7, and nothing in these files needs more than their base).
 */
export function withHeaderVersion(pdf: Uint8Array, conformance: Conformance | undefined): Uint8Array {
  const version = conformance === 'pdfa-1b' ? '1.4' : conformance === 'pdfx-4' ? '1.6' : undefined;
  if (version && new TextDecoder().decode(pdf.subarray(0, 8)) === '%PDF-1.7') {
    pdf.set(new TextEncoder().encode(`%PDF-${version}`), 0);
  }
  return pdf;
}
