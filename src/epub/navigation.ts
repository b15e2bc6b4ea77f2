import type { Root } from 'hast';
import { headingRank } from 'hast-util-heading-rank';
import { headingText } from '../model/book.ts';
import { visit } from 'unist-util-visit';

/** One content document of the EPUB, as the navigation sees it. */
export interface NavDocument {
  filename: string;
  /** The chapter's `<h1>` text, or the book's title for a text without `#` headings. */
  title: string;
  tree: Root;
}

export interface TocEntry {
  title: string;
  href: string;
  /** NCX attributes: a unique id and the position in reading order. */
  navId: string;
  playOrder: number;
  children: TocEntry[];
}

export interface PageEntry {
  label: string;
  href: string;
  navId: string;
  playOrder: number;
}

export interface Navigation {
  /** Chapters (`<h1>`) with their sections (`<h2>`). */
  toc: TocEntry[];
  /** Print pages, in reading order; empty when the book was not paginated. */
  pages: PageEntry[];
}

/**
 * Builds the nested table of contents and the page-list from the documents' trees.
 * NCX readers step through every target in `playOrder`, so headings and page breaks share
 * one numbering in reading order, and two targets with the same address share a number.
 */
export function buildNavigation(documents: readonly NavDocument[]): Navigation {
  const targets: { href: string; title: string; rank: number | 'page'; fileIndex: number; position: number }[] = [];
  documents.forEach((document, fileIndex) => {
    targets.push({ href: document.filename, title: document.title, rank: 1, fileIndex, position: -1 });
    let position = 0;
    visit(document.tree, 'element', (node) => {
      position += 1;
      const id = node.properties['id'];
      if (typeof id !== 'string') return;
      const href = `${document.filename}#${id}`;
      const rank = headingRank(node);
      // A chapter's own `<h1>` is the file's entry above: it points at where the file begins.
      if (rank === 2) {
        targets.push({ href, title: headingText(node), rank, fileIndex, position });
      } else if (node.properties['role'] === 'doc-pagebreak') {
        targets.push({ href, title: String(node.properties['ariaLabel']), rank: 'page', fileIndex, position });
      }
    });
  });

  const ordered = [...new Set(targets.toSorted(byReadingOrder).map((target) => target.href))];
  const playOrder = (href: string) => ordered.indexOf(href) + 1;

  const toc: TocEntry[] = [];
  const pages: PageEntry[] = [];
  for (const target of targets) {
    if (target.rank === 'page') {
      pages.push({
        label: target.title,
        href: target.href,
        navId: `page-${pages.length + 1}`,
        playOrder: playOrder(target.href),
      });
      continue;
    }
    const entry = {
      title: target.title,
      href: target.href,
      navId: '',
      playOrder: playOrder(target.href),
      children: [],
    };
    const parent = toc.at(-1);
    if (target.rank === 2 && parent) {
      entry.navId = `${parent.navId}-${parent.children.length + 1}`;
      parent.children.push(entry);
    } else {
      entry.navId = `nav-${toc.length + 1}`;
      toc.push(entry);
    }
  }
  return { toc, pages };
}

function byReadingOrder(a: { fileIndex: number; position: number }, b: { fileIndex: number; position: number }) {
  return a.fileIndex - b.fileIndex || a.position - b.position;
}
