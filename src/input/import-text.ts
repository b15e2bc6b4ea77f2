import type { Heading, Paragraph, Root } from 'mdast';
import remarkStringify from 'remark-stringify';
import { unified } from 'unified';

/** Whole lines that share buttons leave in scraped text ("Spread the love", "Share this:", …). */
const SHARE_LINES = new Set([
  'spread the love',
  'share this',
  'share',
  'share on facebook',
  'share on twitter',
  'share on whatsapp',
  'share via',
  'click to share',
  'like this',
  'tweet',
  'शेयर करें',
  'शेयर',
  'साझा करें',
]);
/** A line made only of these names is a row of share buttons. */
const SHARE_NETWORKS = new Set([
  'facebook',
  'twitter',
  'x',
  'whatsapp',
  'telegram',
  'linkedin',
  'pinterest',
  'reddit',
  'email',
  'print',
  'koo',
]);

/** Longest line, in characters, that may be a heading. */
const HEADING_MAX = 80;

export interface ImportedText {
  /** The first heading-like line, when the text starts with one. */
  title?: string;
  /** The body as an mdast tree: paragraphs and `##` headings. */
  tree: Root;
  /** Share-widget lines left out, with their 1-based line numbers. */
  dropped: { line: number; text: string }[];
}

/**
 * Reads a scraped plain-text article: every non-empty line is a block (such text puts one
 * paragraph per line), share-widget lines are dropped, and a short line that does not end
 * like a sentence becomes a `##` heading (the first such line, before any text, the title).
 */
export function readPlainText(text: string): ImportedText {
  const result: ImportedText = { tree: { type: 'root', children: [] }, dropped: [] };
  const lines = text.normalize('NFC').split(/\r?\n/);
  lines.forEach((raw, index) => {
    // Only spaces and tabs collapse: a no-break space (as after “मॉस्को:”) is the author's choice.
    const line = raw.replace(/[ \t]+/g, ' ').trim();
    if (line === '') return;
    if (isShareWidget(line)) {
      result.dropped.push({ line: index + 1, text: line });
      return;
    }
    const atStart = result.tree.children.length === 0;
    if (isHeadingLike(line) && atStart && result.title === undefined) {
      result.title = line;
    } else if (isHeadingLike(line)) {
      result.tree.children.push({
        type: 'heading',
        depth: 2,
        children: [{ type: 'text', value: line }],
      } satisfies Heading);
    } else {
      result.tree.children.push({ type: 'paragraph', children: [{ type: 'text', value: line }] } satisfies Paragraph);
    }
  });
  return result;
}

/** The body as Markdown; characters Markdown would read as syntax are escaped. */
export function toMarkdown(tree: Root): string {
  return unified().use(remarkStringify, { bullet: '-', emphasis: '_' }).stringify(tree);
}

function isShareWidget(line: string): boolean {
  const bare = line.toLowerCase().replace(/[:：!]+$/, '');
  if (SHARE_LINES.has(bare)) return true;
  const words = bare.split(/[\s|·•,/]+/).filter(Boolean);
  return words.length > 0 && words.every((word) => SHARE_NETWORKS.has(word));
}

function isHeadingLike(line: string): boolean {
  return [...line].length <= HEADING_MAX && !/[।॥.!?,;:…]["'”’)\]]*$/u.test(line);
}

/** `मॉस्को: रूस के राष्ट्रपति …` → `रूस के राष्ट्रपति …`: a news dateline (a place and a colon) is no part of a title. */
export function withoutDateline(sentence: string): string {
  const stripped = sentence.replace(/^[\p{L}\p{M}]+(?:[ \u00A0][\p{L}\p{M}]+)?[ \u00A0]?:[ \u00A0]+/u, '');
  return stripped.trim() === '' ? sentence : stripped;
}
