import { constants, open } from 'node:fs/promises';

/** An image's size in pixels and, when the file says, its resolution in pixels per inch. */
export interface ImageSize {
  width: number;
  height: number;
  ppi?: number;
}

/** The resolution of an image whose file gives none: the CSS pixel, 96 to the inch. */
export const CSS_PPI = 96;

/** How much of a file is read to find its size: JPEG's frame header can follow large EXIF or ICC blocks. */
const HEAD_BYTES = 256 * 1024;

/**
 * The pixel size of a PNG, JPEG, GIF or WebP image, read from its header, with PNG's `pHYs` or
 * JPEG's JFIF density when present; undefined for vector images (SVG) and anything unreadable.
 */
export async function readImageSize(file: string): Promise<ImageSize | undefined> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  let head: Uint8Array;
  try {
    const buffer = new Uint8Array(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  return imageSizeOf(head);
}

export function imageSizeOf(head: Uint8Array): ImageSize | undefined {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const ascii = (at: number, length: number) => String.fromCharCode(...head.subarray(at, at + length));
  if (head.length >= 24 && ascii(1, 3) === 'PNG') return pngSize(head, view, ascii);
  if (head.length >= 4 && head[0] === 0xff && head[1] === 0xd8) return jpegSize(head, view);
  if (head.length >= 10 && ascii(0, 4) === 'GIF8') {
    return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
  }
  if (head.length >= 30 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') return webpSize(head, view, ascii);
  return undefined;
}

function pngSize(
  head: Uint8Array,
  view: DataView,
  ascii: (at: number, length: number) => string,
): ImageSize | undefined {
  const size: ImageSize = { width: view.getUint32(16), height: view.getUint32(20) };
  // Chunks: length, type, data, CRC. pHYs comes before the image data.
  for (let at = 8; at + 8 <= head.length;) {
    const length = view.getUint32(at);
    const type = ascii(at + 4, 4);
    if (type === 'IDAT' || type === 'IEND') break;
    if (type === 'pHYs' && at + 17 <= head.length && head[at + 16] === 1) {
      size.ppi = view.getUint32(at + 8) * 0.0254;
    }
    at += 12 + length;
  }
  return size;
}

function jpegSize(head: Uint8Array, view: DataView): ImageSize | undefined {
  let ppi: number | undefined;
  for (let at = 2; at + 9 < head.length;) {
    if (head[at] !== 0xff) return undefined;
    const marker = head[at + 1]!;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    const length = view.getUint16(at + 2);
    // APP0 "JFIF\0": density units (1 per inch, 2 per centimetre) and the horizontal density.
    if (marker === 0xe0 && length >= 14 && view.getUint32(at + 4) === 0x4a464946) {
      const units = head[at + 11];
      const density = view.getUint16(at + 12);
      if (units === 1 && density > 1) ppi = density;
      if (units === 2 && density > 1) ppi = density * 2.54;
    }
    // A start of frame (not DHT, JPG or DAC): height, then width.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const size: ImageSize = { width: view.getUint16(at + 7), height: view.getUint16(at + 5) };
      if (ppi !== undefined) size.ppi = ppi;
      return size;
    }
    at += 2 + length;
  }
  return undefined;
}

function webpSize(
  head: Uint8Array,
  view: DataView,
  ascii: (at: number, length: number) => string,
): ImageSize | undefined {
  const kind = ascii(12, 4);
  if (kind === 'VP8X') {
    const width = 1 + (head[24]! | (head[25]! << 8) | (head[26]! << 16));
    const height = 1 + (head[27]! | (head[28]! << 8) | (head[29]! << 16));
    return { width, height };
  }
  if (kind === 'VP8 ') return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  if (kind === 'VP8L') {
    const bits = view.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  return undefined;
}
