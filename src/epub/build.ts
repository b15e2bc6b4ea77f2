import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'puppeteer';
import type { Element } from 'hast';
import { h } from 'hastscript';
import { visit } from 'unist-util-visit';
import { splitChapters, type Book } from '../model/book.ts';
import { authorsOf, type FrontMatter } from '../model/front-matter.ts';
import { EPUB_FONTS, subsetFonts } from '../fonts/subset.ts';
import { IMAGE_TYPES } from '../pipeline/rehype-images.ts';
import { toXhtml } from './xhtml.ts';
import { readCover, renderCover, type CoverImage } from '../print/cover.ts';
import { TEMPLATES_DIR } from '../model/paths.ts';
import { titleBlock } from '../print/document.ts';
import { buildNavigation, type NavDocument, type TocEntry } from './navigation.ts';
import { paginateBook, type MarkerPages, type Pagination } from './pagination.ts';
import { koboChapter } from './kobo.ts';
import { placeNotes } from './notes.ts';
import { packEpub } from './package.ts';
import { addEpubSemantics, chapterSection, linkAcrossDocuments } from './semantics.ts';

/** Words the reader sees around the book's own text. */
const LABELS = {
  toc: 'विषय-सूची',
  landmarks: 'मार्गदर्शिका',
  pageList: 'पृष्ठ-सूची',
  cover: 'आवरण',
  titlePage: 'मुखपृष्ठ',
  body: 'पाठ',
  coverAlt: (title: string, authors: string) => `आवरण: ${title}${authors ? `, ${authors}` : ''}`,
  accessibilitySummary:
    'इस पुस्तक में अध्यायों और खंडों के शीर्षक, नेस्टेड विषय-सूची और सही पठन-क्रम है; आवरण चित्र का वैकल्पिक पाठ है। ' +
    'पाठ का आकार और रूप पाठक बदल सकते हैं। ध्वनि, वीडियो या चमकती सामग्री नहीं है।',
  pageListSummary: 'छपी पुस्तक के पृष्ठ-क्रमांक भी दिए गए हैं।',
};

export interface EpubInputs {
  cover: CoverImage;
  /** Absent when the book was not paginated: the EPUB then has no page-list. */
  pagination?: Pagination;
  /** Publication time for `dcterms:modified` and every zip entry (SOURCE_DATE_EPOCH). */
  modified: Date;
  /** Kobo's KEPUB: every sentence a `koboSpan` (see kobo.ts). */
  kobo?: boolean;
}

/** What the EPUB takes from the browser. */
export interface EpubSources {
  /** Runs a job on the run's browser: the cover is rendered there. */
  withBrowser: <T>(job: (browser: Browser) => Promise<T>) => Promise<T>;
  /** Where the A5 book's pages begin (see pdf.ts, `pageMarkers`). */
  markerPages: () => Promise<MarkerPages>;
  /** Publication time (the run's SOURCE_DATE_EPOCH, or now). */
  modified: Date;
  /** Kobo's KEPUB edition rather than the EPUB. */
  kobo?: boolean;
}

/**
 * The EPUB of a book: its cover read from the manuscript's `cover` image or rendered, its pages
 * matched to the A5 book's, dated `sources.modified`.
 */
export async function buildEpub(book: Book, sources: EpubSources): Promise<Uint8Array> {
  const { cover: coverFile } = book.matter;
  const [cover, pages] = await Promise.all([
    coverFile ? readCover(coverFile) : sources.withBrowser((browser) => renderCover(browser, book.matter)),
    sources.markerPages(),
  ]);
  const pagination = paginateBook(book, pages);
  return renderEpub(book, { cover, pagination, modified: sources.modified, kobo: sources.kobo ?? false });
}

/** Packs the book as EPUB 3 (with an NCX and guide for EPUB 2 readers), fonts embedded as subsets. */
export async function renderEpub(book: Book, inputs: EpubInputs): Promise<Uint8Array> {
  const { matter } = book;
  const templates = await Promise.all(
    ['epub.css', 'epub/content.opf.ejs', 'epub/chapter.xhtml.ejs', 'epub/toc.xhtml.ejs', 'epub/toc.ncx.ejs'].map(
      (name) => readFile(path.join(TEMPLATES_DIR, name), 'utf8'),
    ),
  );
  const [ownCss, contentOPF, chapterXHTML, tocXHTML, tocNCX] = templates as [string, string, string, string, string];
  // The project's own stylesheet for the EPUB comes after mudran's, so it wins.
  const css = book.styles?.epub ? `${ownCss}\n/* The project's stylesheet */\n${book.styles.epub}\n` : ownCss;
  const authors = authorsOf(matter);
  const coverHref = `images/cover.${inputs.cover.extension}`;
  const coverAlt = LABELS.coverAlt(matter.title, authors.join(', '));

  const chapters = placeNotes(inputs.pagination ? splitChapters(inputs.pagination.tree, matter.title) : book.chapters);
  const chapterDocuments: NavDocument[] = chapters.map((chapter, index) => {
    const hasHeading = chapter.id !== 'text';
    return {
      filename: `chapter-${String(index + 1).padStart(2, '0')}.xhtml`,
      title: chapter.title,
      tree: chapterSection(addEpubSemantics(chapter.tree), hasHeading ? chapter.id : undefined, chapter.title),
    };
  });
  linkAcrossDocuments(chapterDocuments);
  const images = await packImages(book.images, chapterDocuments);
  const navigation = buildNavigation(chapterDocuments);
  const firstChapter = chapterDocuments[0]?.filename ?? 'title-page.xhtml';
  // A book whose text is empty (all of it removed markup) still needs an entry: its title page.
  const toc: TocEntry[] = navigation.toc.length
    ? navigation.toc
    : [{ title: matter.title, href: 'title-page.xhtml', navId: 'nav-1', playOrder: 1, children: [] }];

  const documents = [
    {
      id: 'cover',
      filename: 'cover.xhtml',
      title: LABELS.cover,
      bodyType: 'cover',
      beforeToc: true,
      excludeFromToc: true,
      xhtml: toXhtml({
        type: 'root',
        children: [h('section.cover', [h('img', { src: coverHref, alt: coverAlt, role: 'doc-cover' })])],
      }),
    },
    {
      id: 'title-page',
      filename: 'title-page.xhtml',
      title: matter.title,
      bodyType: 'frontmatter',
      beforeToc: true,
      excludeFromToc: true,
      xhtml: toXhtml({
        type: 'root',
        children: [h('section.title-block', { 'epub:type': 'titlepage' }, titleBlock(matter, 'epub').children)],
      }),
    },
    {
      // The contents a reader pages through; the navigation document itself stays out of the
      // spine, or MuPDF, FBReader and pandoc show its hidden landmarks and page-list as text.
      id: 'contents',
      filename: 'contents.xhtml',
      title: LABELS.toc,
      bodyType: 'frontmatter',
      beforeToc: true,
      excludeFromToc: true,
      xhtml: toXhtml({ type: 'root', children: [contentsPage(toc)] }),
    },
    ...chapterDocuments.map((document) => ({
      id: path.basename(document.filename, '.xhtml'),
      filename: document.filename,
      title: document.title,
      bodyType: 'bodymatter',
      xhtml: toXhtml(inputs.kobo ? koboChapter(document.tree) : document.tree),
    })),
  ].map((document) => ({ ...document, content: '' }));

  const pkg = {
    identifier: bookIdentifier(matter),
    lang: matter.lang,
    title: matter.title,
    subtitle: matter.subtitle,
    authors,
    publisher: matter.publisher,
    date: matter.date,
    description: matter.description ?? matter.subtitle ?? matter.title,
    keywords: matter.keywords ?? [],
    rights: matter.rights,
    printSource: navigation.pages.length ? inputs.pagination?.source : undefined,
    modified: inputs.modified.toISOString().replace(/\.\d+Z$/, 'Z'),
    accessibilityFeatures: [
      'structuralNavigation',
      'tableOfContents',
      'readingOrder',
      'alternativeText',
      'displayTransformability',
      ...(navigation.pages.length ? ['pageBreakMarkers', 'pageNavigation'] : []),
    ],
    accessibilitySummary: navigation.pages.length
      ? `${LABELS.accessibilitySummary} ${LABELS.pageListSummary}`
      : LABELS.accessibilitySummary,
    certifiedBy: matter.publisher ?? 'mudran',
    cover: { href: coverHref, mediaType: inputs.cover.mediaType },
    images: images.map(({ href, mediaType }) => ({ href, mediaType })),
    tocTitle: LABELS.toc,
    landmarksTitle: LABELS.landmarks,
    pageListTitle: LABELS.pageList,
    toc,
    tocDepth: navigation.toc.some((entry) => entry.children.length) ? 2 : 1,
    pages: navigation.pages,
    maxPage: Math.max(0, ...navigation.pages.map((page) => Number(page.label))),
    landmarks: [
      { type: 'cover', guideType: 'cover', href: 'cover.xhtml', label: LABELS.cover },
      { type: 'titlepage', guideType: 'title-page', href: 'title-page.xhtml', label: LABELS.titlePage },
      { type: 'toc', guideType: 'toc', href: 'contents.xhtml', label: LABELS.toc },
      { type: 'bodymatter', guideType: 'text', href: firstChapter, label: LABELS.body },
    ],
  };

  // Every string that reaches the EPUB decides which characters the embedded fonts keep.
  const fonts = await subsetFonts(EPUB_FONTS, JSON.stringify({ documents, pkg }));

  return packEpub(
    {
      title: matter.title,
      author: authors,
      lang: matter.lang,
      tocTitle: LABELS.toc,
      css,
      contentOPF,
      chapterXHTML,
      tocXHTML,
      tocNCX,
      // Listed for the package document; their bytes go in with the other files below.
      fonts: fonts.map(({ filename }) => ({ filename, url: `fonts/${filename}` })),
      version: 3,
      verbose: false,
      // The templates read everything else from here; the package passes options through.
      book: pkg,
    },
    documents,
    [
      { path: `OEBPS/${coverHref}`, data: inputs.cover.bytes },
      ...images.map(({ href, data }) => ({ path: `OEBPS/${href}`, data })),
      ...fonts.map(({ filename, data }) => ({ path: `OEBPS/fonts/${filename}`, data })),
      {
        // Apple Books uses embedded fonts only when told to.
        path: 'META-INF/com.apple.ibooks.display-options.xml',
        data: '<?xml version="1.0" encoding="UTF-8"?>\n<display_options><platform name="*"><option name="specified-fonts">true</option></platform></display_options>\n',
      },
    ],
    inputs.modified,
  );
}

/** The contents as a page of the book: chapters with their sections, each a link. */
function contentsPage(toc: readonly TocEntry[]): Element {
  const list = (entries: readonly TocEntry[]): Element =>
    h(
      'ol',
      entries.map((entry) =>
        h('li', [h('a', { href: entry.href }, entry.title), ...(entry.children.length ? [list(entry.children)] : [])]),
      ),
    );
  return h('section.contents', { role: 'doc-toc', ariaLabelledBy: 'contents-title' }, [
    h('h1#contents-title', LABELS.toc),
    list(toc),
  ]);
}

/**
 * The manuscript's checked images, packed as `images/image-N.ext` (ASCII names), with each
 * chapter's `<img src>` pointed at its copy. Only files the image check accepted are read.
 */
async function packImages(
  files: ReadonlyMap<string, string>,
  documents: readonly NavDocument[],
): Promise<{ href: string; mediaType: string; data: Uint8Array }[]> {
  const hrefs = new Map<string, string>();
  let index = 0;
  for (const [src, file] of files) {
    index += 1;
    hrefs.set(src, `images/image-${index}${path.extname(file).toLowerCase()}`);
  }
  for (const document of documents) {
    visit(document.tree, 'element', (node) => {
      if (node.tagName !== 'img') return;
      const href = hrefs.get(decodeURIComponent(String(node.properties['src'])));
      if (href) node.properties['src'] = href;
    });
  }
  return Promise.all(
    [...files].map(async ([src, file]) => {
      const href = hrefs.get(src) ?? '';
      const mediaType = IMAGE_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      return { href, mediaType, data: new Uint8Array(await readFile(file)) };
    }),
  );
}

/**
 * The book's ISBN when it has one (stores key on it); otherwise a name-based UUID from what identifies the book (title, authors, publisher, language), so every
 * build of the same book carries the same identifier and reading systems keep their bookmarks.
 */
function bookIdentifier(matter: FrontMatter): string {
  if (matter.isbn) return `urn:isbn:${matter.isbn}`;
  const name = JSON.stringify([matter.title, authorsOf(matter), matter.publisher ?? '', matter.lang]);
  const hex = createHash('sha256').update(name).digest('hex');
  const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
