import type { Trim } from './front-matter.ts';

/** A trim's page and margins in millimetres, and its text size. */
export interface TrimGeometry {
  width: number;
  height: number;
  top: number;
  bottom: number;
  inner: number;
  outer: number;
  fontSize: string;
  /** Whole CSS pixels: Chrome puts each line on a whole pixel, so 23.1 px lines came out 23, 23, … 24 apart. */
  lineHeight: string;
}

/** Paper size and margins of each trim; text size grows with the page. */
export const TRIMS: Record<Trim, TrimGeometry> = {
  A5: { width: 148, height: 210, top: 17, bottom: 19, inner: 17, outer: 14, fontSize: '10.5pt', lineHeight: '23px' },
  A4: { width: 210, height: 297, top: 22, bottom: 24, inner: 25, outer: 20, fontSize: '12pt', lineHeight: '26px' },
  '6x9in': {
    width: 152.4,
    height: 228.6,
    top: 18,
    bottom: 20,
    inner: 18,
    outer: 15,
    fontSize: '11pt',
    lineHeight: '24px',
  },
  '5.5x8.5in': {
    width: 139.7,
    height: 215.9,
    top: 17,
    bottom: 19,
    inner: 17,
    outer: 14,
    fontSize: '10.5pt',
    lineHeight: '23px',
  },
};

/** The width of the book's text block, in millimetres: what an image may fill. */
export function measureMm(trim: Trim): number {
  const geometry = TRIMS[trim];
  return geometry.width - geometry.inner - geometry.outer;
}

/** Bleed on every side of the press file, as print shops ask. */
export const BLEED_MM = 3;
