import type { Root as HastRoot } from 'hast';
import rehypeStringify from 'rehype-stringify';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import type { VFile } from 'vfile';
import { FOOTNOTE_LABELS } from '../model/book.ts';
import type { FrontMatterDefaults } from '../model/front-matter.ts';
import rehypeRaw from 'rehype-raw';
import { loadFontStacks, type FontStacks } from '../fonts/stack.ts';
import rehypeBookDigits from './rehype-book-digits.ts';
import rehypeFigures from './rehype-figures.ts';
import rehypeHeadingIds from './rehype-heading-ids.ts';
import rehypeImages from './rehype-images.ts';
import rehypeLangRuns from './rehype-lang-runs.ts';
import rehypeLinks from './rehype-links.ts';
import rehypeSanitizeBook from './rehype-sanitize-book.ts';
import rehypeShortTitles from './rehype-short-titles.ts';
import rehypeShapingCheck from './rehype-shaping-check.ts';
import rehypeTypography from './rehype-typography.ts';
import remarkUnclosedHtml from './remark-unclosed-html.ts';
import remarkFrontMatter from './remark-front-matter.ts';
import remarkNormalize from './remark-normalize.ts';

/** The ordered Markdown → HTML-tree pipeline shared by every output. */
function createProcessor(fonts: FontStacks, defaults: FrontMatterDefaults) {
  return (
    unified()
      // Markdown → mdast, every node keeping its line and column.
      .use(remarkParse)
      // Recognise the `---` YAML block at the top.
      .use(remarkFrontmatter, ['yaml'])
      // Read it over the project's defaults, validate it into file.data.matter; problems become messages.
      .use(remarkFrontMatter, { defaults })
      // Tables, footnotes, strikethrough, autolinks.
      .use(remarkGfm)
      // Raw HTML that would swallow the text after it (`<title>`, `<iframe/>`, an open `<object>`) loses its start tag.
      .use(remarkUnclosedHtml)
      // Every text in NFC; a warning when nukta letters are typed both ways.
      .use(remarkNormalize)
      // mdast → hast; footnotes get Hindi labels.
      .use(remarkRehype, {
        footnoteLabel: FOOTNOTE_LABELS.notes,
        footnoteBackLabel: FOOTNOTE_LABELS.back,
        // Not GitHub's `sr-only`, which no stylesheet of the book defines.
        footnoteLabelProperties: {},
        clobberPrefix: 'fn-',
        allowDangerousHtml: true,
      })
      // Raw HTML in the Markdown → real elements, each keeping its line.
      .use(rehypeRaw)
      // Keep only what a book needs; warn at every element or attribute removed.
      .use(rehypeSanitizeBook)
      // `# Title {short="…"}`: the short title for running heads comes off the heading's text.
      .use(rehypeShortTitles)
      // Images from the manuscript's folder only.
      .use(rehypeImages)
      // Every word shaped against the faces that print it, while the text still matches the file.
      .use(rehypeShapingCheck, { fonts })
      // Curly quotes, dashes, ॥, no-break space before a danda.
      .use(rehypeTypography)
      // Latin runs become <span lang="en">.
      .use(rehypeLangRuns)
      // Heading ids that keep Devanagari intact; empty headings go.
      .use(rehypeHeadingIds)
      // An image alone in its paragraph becomes a numbered figure with a caption (`#figure-1`).
      .use(rehypeFigures)
      // Note calls and list markers in the book's digits.
      .use(rehypeBookDigits)
      // Links lead into the book or to absolute addresses.
      .use(rehypeLinks)
  );
}

/** Runs the pipeline on a manuscript; messages land on the file. */
export async function transformManuscript(file: VFile, defaults: FrontMatterDefaults = {}): Promise<HastRoot> {
  const processor = createProcessor(await loadFontStacks(), defaults);
  return processor.run(processor.parse(file), file);
}

/** HTML for the print templates. */
export function toHtmlString(tree: HastRoot): string {
  return unified().use(rehypeStringify).stringify(tree);
}
