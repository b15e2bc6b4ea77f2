/**
 * What each drawn glyph should say, and how wide extractors should think it is, so that poppler,
 * MuPDF and pdf.js all read every word back whole. Pure geometry and text: no PDF objects here.
 *
 * How the extractors read (measured, and read in their sources):
 * - All three concatenate glyph texts in drawing order and start a new word where a glyph begins
 *   more than ~0.1 em past the end of the previous one (poppler 0.1, MuPDF 0.15, pdf.js 0.102).
 * - poppler also breaks a word where a glyph starts more than 0.2 em before the previous one's end,
 *   and then lays overlapping words out on separate lines; poppler and MuPDF read an ActualText
 *   span instead of its glyphs, which pdf.js ignores (mozilla/pdf.js#12237).
 * - pdf.js treats a glyph whose text contains a nonspacing mark (\p{Mn}: ्, ु, े, ़, ं…) as having
 *   no width and measures the next gap from the last glyph without one; it drops a glyph whose
 *   text ends in a format character (ZWJ, ZWNJ) or starts with white space.
 *
 * So a word's text is shared out over its glyphs (in logical order, any split concatenates to the
 * same word) choosing splits that keep marks off wide glyphs, and each glyph's width is chosen
 * inside the window every extractor accepts.
 */

export interface PlacedGlyph {
  /** Origin, in the text space of its line. */
  x: number;
  y: number;
  size: number;
  /** Its own advance width, in thousandths of an em. */
  width: number;
  /** What the font's ToUnicode says it is. */
  ownText: string;
  /** The cluster (Chrome's ActualText span) it was drawn in, if any. */
  cluster?: Cluster;
  /** Glyphs with the same run key share font, size and text matrix. */
  run: number;
}

export interface Cluster {
  text: string;
  glyphs: number;
}

export interface GlyphText {
  text: string;
  /** Thousandths of an em. */
  width: number;
  /** Text drawn invisibly, with no width, just before the glyph (at its origin) and just after it (at its end). */
  before?: string;
  after?: string;
  /** On a word's first glyph: the whole word, for an ActualText span that poppler and MuPDF read instead. */
  word?: string;
  /** On a word's last glyph. */
  wordEnd?: boolean;
}

/** A gap wider than this (in em) past everything drawn so far is a real space between words. */
const WORD_GAP = 0.1;
/** pdf.js starts a new word this far (in em) past the last glyph it measures; kept with a margin. */
const PDFJS_GAP = 0.095;
/**
 * How far (in em) a glyph may end past the start of the marks after it. Inside a word's
 * ActualText span poppler reads no glyph geometry; MuPDF keeps the word whole with overlaps this
 * large (measured on the dictionary corpus: 0.4 and 0.8 lose nothing more than 0.19).
 */
const MAX_OVERLAP = 0.8;
/** A glyph advancing less than this (in em) is mark-like: pdf.js may skip it without harm. */
const MARK_EXTENT = 0.2;

const NONSPACING = /\p{Mn}/u;
/** Consonant + nukta with a precomposed form: one letter (Lo) to pdf.js, canonically the same text. */
const NUKTA_FORMS = new Map(
  [0x0915, 0x0916, 0x0917, 0x091c, 0x0921, 0x0922, 0x092b, 0x092f].map((base, index) => [
    String.fromCodePoint(base),
    String.fromCodePoint(0x0958 + index),
  ]),
);

export function glyphTexts(glyphs: readonly PlacedGlyph[]): GlyphText[] {
  const result: GlyphText[] = glyphs.map((glyph) => ({ text: glyph.ownText, width: glyph.width }));
  for (const word of wordsOf(glyphs)) {
    const shares = shareWord(word.map((index) => glyphs[index] as PlacedGlyph));
    word.forEach((index, position) => {
      const entry = result[index] as GlyphText;
      const share = shares[position];
      if (!share) return;
      const glyph = glyphs[index] as PlacedGlyph;
      const next = glyphs[word[position + 1] ?? -1];
      const wide = next !== undefined && next.x - glyph.x >= MARK_EXTENT * glyph.size;
      Object.assign(entry, wide ? splitMarks(share) : { text: share.join('') });
    });
    const text = wordText(word.map((index) => glyphs[index] as PlacedGlyph));
    if (text !== undefined) {
      // In the same form as the glyphs' own text: MuPDF matches the two up glyph by glyph.
      (result[word[0] ?? -1] as GlyphText).word = piecesOf(text).join('');
      (result[word.at(-1) ?? -1] as GlyphText).wordEnd = true;
    }
    const visible = word.map((index) => !NONSPACING.test((result[index] as GlyphText).text));
    word.forEach((index, position) => {
      (result[index] as GlyphText).width = widthInWord(glyphs, word, visible, position);
    });
  }
  return result;
}

function sameLine(a: PlacedGlyph, b: PlacedGlyph | undefined): b is PlacedGlyph {
  return b !== undefined && a.run === b.run && Math.abs(a.y - b.y) <= a.size / 2;
}

function isSpace(glyph: PlacedGlyph): boolean {
  return !glyph.cluster && glyph.ownText.trim() === '' && glyph.ownText !== '';
}

/** Indices of the glyphs of each word: split at space glyphs, line changes and real gaps. */
function wordsOf(glyphs: readonly PlacedGlyph[]): number[][] {
  const words: number[][] = [];
  let word: number[] = [];
  let reach = -Infinity;
  glyphs.forEach((glyph, index) => {
    const previous = glyphs[index - 1];
    const broken = !previous || !sameLine(previous, glyph) || glyph.x - reach > WORD_GAP * glyph.size;
    if (broken || isSpace(glyph)) {
      if (word.length > 0) words.push(word);
      word = [];
      reach = -Infinity;
    }
    reach = Math.max(reach, glyph.x + (glyph.width * glyph.size) / 1000);
    if (!isSpace(glyph)) word.push(index);
  });
  if (word.length > 0) words.push(word);
  return words;
}

/**
 * A wide glyph inside a word keeps only letters, so pdf.js measures it; the marks before and
 * after them are drawn invisibly next to it (pdf.js measures neither, poppler sees no gap).
 */
function splitMarks(pieces: readonly string[]): Pick<GlyphText, 'text' | 'before' | 'after'> {
  const start = pieces.findIndex((piece) => !NONSPACING.test(piece));
  if (start < 0) return { text: pieces.join('') };
  const end = pieces.findIndex((piece, index) => index > start && NONSPACING.test(piece));
  const core = pieces.slice(start, end < 0 ? undefined : end).join('');
  const before = pieces.slice(0, start).join('');
  const after = end < 0 ? '' : pieces.slice(end).join('');
  return { text: core, ...(before ? { before } : {}), ...(after ? { after } : {}) };
}

/** The word's text split into pieces for each glyph, marks kept off wide glyphs; undefined entries keep their own text. */
function shareWord(word: readonly PlacedGlyph[]): (string[] | undefined)[] {
  const text = wordText(word);
  const pieces = text === undefined ? [] : piecesOf(text);
  const n = word.length;
  const m = pieces.length;
  if (text === undefined || m < n) return word.map((glyph) => (glyph.cluster ? undefined : [glyph.ownText]));
  // As many pieces as glyphs: one each is the only split.
  if (m === n) return pieces.map((piece) => [piece]);

  // Marks before each piece, to tell in O(1) whether a run of pieces holds one.
  const marks = [0];
  for (const piece of pieces) marks.push((marks.at(-1) ?? 0) + (NONSPACING.test(piece) ? 1 : 0));
  const cost = (glyph: number, from: number, to: number): number => {
    if ((marks[to] ?? 0) - (marks[from] ?? 0) === 0 || glyph === n - 1) return 0;
    const here = word[glyph] as PlacedGlyph;
    const extent = ((word[glyph + 1] as PlacedGlyph).x - here.x) / here.size;
    // A wide glyph pdf.js skips opens a gap it reads as a space; a skipped mark does not, and
    // letters can be kept on a wide glyph with its marks drawn invisibly beside it.
    if (extent < MARK_EXTENT) return 0.01;
    return (marks[to] ?? 0) - (marks[from] ?? 0) < to - from ? 0.5 : 1;
  };
  // best[i][a] (at i × (m + 1) + a): least cost of giving pieces a… to glyphs i…;
  // choice[i][a]: where glyph i's share ends. One array each per word: a book has many words.
  const width = m + 1;
  const best = new Float64Array((n + 1) * width).fill(Infinity);
  const choice = new Int32Array(n * width);
  best[n * width + m] = 0;
  for (let glyph = n - 1; glyph >= 0; glyph--) {
    const row = glyph * width;
    for (let from = glyph; from <= m - (n - glyph); from++) {
      for (let to = glyph === n - 1 ? m : from + 1; to <= m - (n - glyph - 1); to++) {
        const total = cost(glyph, from, to) + (best[row + width + to] ?? Infinity);
        if (total < (best[row + from] ?? Infinity)) {
          best[row + from] = total;
          choice[row + from] = to;
        }
      }
    }
  }
  const shares: string[][] = [];
  let from = 0;
  for (let glyph = 0; glyph < n; glyph++) {
    const to = choice[glyph * width + from] ?? m;
    shares.push(pieces.slice(from, to));
    from = to;
  }
  return shares;
}

/** The word in logical order: each cluster's text once, other glyphs' own text; undefined if a cluster is split. */
function wordText(word: readonly PlacedGlyph[]): string | undefined {
  let text = '';
  const seen = new Map<Cluster, number>();
  let previous: Cluster | undefined;
  for (const glyph of word) {
    const cluster = glyph.cluster;
    if (!cluster) text += glyph.ownText;
    else if (!seen.has(cluster)) text += cluster.text;
    else if (previous !== cluster) return undefined;
    if (cluster) seen.set(cluster, (seen.get(cluster) ?? 0) + 1);
    previous = cluster;
  }
  for (const [cluster, count] of seen) if (count !== cluster.glyphs) return undefined;
  return text;
}

/**
 * Pieces a share may not split: a format character (ZWJ, ZWNJ) goes with what follows, since
 * pdf.js drops a glyph whose text ends in one; consonant + nukta becomes its precomposed letter.
 */
export function piecesOf(text: string): string[] {
  const pieces: string[] = [];
  for (const char of text) {
    const last = pieces.at(-1);
    if (last !== undefined && char === '\u093C' && NUKTA_FORMS.has(last))
      pieces[pieces.length - 1] = NUKTA_FORMS.get(last) ?? last;
    else if (last !== undefined && (/\p{Cf}$/u.test(last) || /^\s/u.test(last)))
      pieces[pieces.length - 1] = last + char;
    else pieces.push(char);
  }
  return pieces;
}

/**
 * A glyph's width inside its word: up to the next glyph (no gap, no overlap), except a glyph
 * pdf.js measures that is followed by glyphs it skips: that one reaches as close to the next
 * measured glyph as poppler tolerates.
 */
function widthInWord(
  glyphs: readonly PlacedGlyph[],
  word: readonly number[],
  visible: boolean[],
  position: number,
): number {
  const glyph = glyphs[word[position] ?? -1] as PlacedGlyph;
  const toWidth = (end: number): number => Math.max(0, Math.round(((end - glyph.x) * 1000) / glyph.size));
  const nextInWord = glyphs[word[position + 1] ?? -1];
  if (!nextInWord) {
    // The last glyph reaches the space after it; before a real gap or a line end it keeps its own width.
    const after = glyphs[(word[position] ?? 0) + 1];
    return after && sameLine(glyph, after) && isSpace(after) ? toWidth(after.x) : glyph.width;
  }
  if (!visible[position] || visible[position + 1]) return toWidth(nextInWord.x);
  const measured = visible.findIndex((each, index) => index > position && each);
  if (measured < 0) return toWidth(nextInWord.x);
  const skipped = word.slice(position + 1, measured).map((index) => (glyphs[index] as PlacedGlyph).x);
  const lowest = (glyphs[word[measured] ?? -1] as PlacedGlyph).x - PDFJS_GAP * glyph.size;
  const highest = Math.min(...skipped) + MAX_OVERLAP * glyph.size;
  return toWidth(lowest <= highest ? (lowest + highest) / 2 : nextInWord.x);
}
