import { describe, expect, it } from 'vitest';
import type { Book } from '../../src/model/book.ts';
import { openingsOf, printPlan } from '../../src/pdf/render.ts';
import { bookletOrder } from '../../src/pdf/impose/booklet.ts';
import { bookDigits } from '../../src/model/digits.ts';
import { cssString } from '../../src/print/layout.ts';

import { h } from 'hastscript';

/** A book of chapters with these ids; with `link`, its text links to its first chapter's heading. */
const bookOf = (ids: string[], { link = false } = {}) =>
  ({
    chapters: ids.map((id) => ({ id })),
    tree: {
      type: 'root',
      children: [
        ...ids.map((id) => h('h1', { id }, id)),
        ...(link ? [h('p', [h('a', { href: `#${ids[0]}` }, 'see')])] : []),
      ],
    },
  }) as unknown as Book;

describe('layout arithmetic', () => {
  it('puts a blank page before each chapter that would open on a left-hand (even) page', () => {
    const openings = openingsOf(
      bookOf(['a', 'b', 'c', 'd']),
      new Map([
        ['a', 5],
        ['b', 8],
        ['c', 10],
        ['d', 13],
      ]),
    );
    // b: 8 is even → blank, b opens on 9; c: 10 + 1 = 11 odd; d: 13 + 1 = 14 even → blank.
    expect([...openings].map(([id, { blankBefore }]) => [id, blankBefore])).toEqual([
      ['a', false],
      ['b', true],
      ['c', false],
      ['d', true],
    ]);
  });

  it('opens a book without contents after the title page and its back', () => {
    expect(openingsOf(bookOf(['only']))).toEqual(new Map([['only', { page: 3, blankBefore: false }]]));
  });

  it('orders booklet pages for saddle stitching, blanks padded to whole sheets', () => {
    expect(bookletOrder(8)).toEqual([8, 1, 2, 7, 6, 3, 4, 5]);
    expect(bookletOrder(5)).toEqual([0, 1, 2, 0, 0, 3, 4, 5]);
    expect(bookletOrder(1)).toEqual([0, 1, 0, 0]);
    for (const pages of [1, 2, 3, 7, 13, 40]) {
      const order = bookletOrder(pages);
      expect(order.length % 4).toBe(0);
      expect(order.filter(Boolean).sort((a, b) => a - b)).toEqual(Array.from({ length: pages }, (_, i) => i + 1));
    }
  });

  it('writes page numbers in the book’s digits and CSS strings that cannot end their element', () => {
    expect(bookDigits(1209, 'devanagari')).toBe('१२०९');
    expect(bookDigits(1209, 'international')).toBe('1209');
    expect(cssString('a"</style><b>\\')).toBe('"a\\22 \\3c /style\\3e \\3c b\\3e \\5c "');
  });

  it('plans the prints before anything prints: one first print only where it is needed', () => {
    const one = bookOf(['only']);
    const three = bookOf(['a', 'b', 'c']);
    // A one-chapter book without the EPUB: one print, text layer and metadata on one parse.
    expect(printPlan(one, { formats: ['pdf', 'handout'] })).toEqual({
      bookAfterFirst: false,
      handoutAfterFirst: false,
      bookTextLayer: 'with-finish',
    });
    // With the EPUB: a first print for its page-list, running beside the book's print.
    expect(printPlan(one, { pageMarkers: true, formats: ['pdf'] })).toMatchObject({
      first: { contents: false, pageMarkers: true },
      bookAfterFirst: false,
    });
    // A cross-reference prints its target's page: a one-chapter book then waits for a first print.
    expect(printPlan(bookOf(['only'], { link: true }), { formats: ['pdf'] })).toMatchObject({
      first: { contents: false, pageMarkers: false },
      bookAfterFirst: true,
      handoutAfterFirst: false,
    });
    // A contents page: the book print and the handout wait for the first; the booklet is made
    // from the text-layered book, so its text layer gets a parse of its own.
    expect(printPlan(three, { formats: ['pdf', 'booklet', 'handout'] })).toEqual({
      first: { contents: true, pageMarkers: false },
      bookAfterFirst: true,
      handoutAfterFirst: true,
      bookTextLayer: 'own-parse',
    });
  });
});
