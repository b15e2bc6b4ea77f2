import type { Root as HastRoot } from 'hast';
import rehypeStringify from 'rehype-stringify';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import type { VFile } from 'vfile';
import rehypeHeadingIds from './rehype-heading-ids.ts';
import remarkFrontMatter from './remark-front-matter.ts';

/** The ordered Markdown → HTML-tree pipeline shared by every output. */
function createProcessor() {
  return (
    unified()
      // Markdown → mdast, every node keeping its line and column.
      .use(remarkParse)
      // Recognise the `---` YAML block at the top.
      .use(remarkFrontmatter, ['yaml'])
      // Read and validate it into file.data.matter; problems become messages.
      .use(remarkFrontMatter)
      // Tables, footnotes, strikethrough, autolinks.
      .use(remarkGfm)
      // mdast → hast; footnotes get Hindi labels.
      .use(remarkRehype, {
        footnoteLabel: 'टिप्पणियाँ',
        footnoteBackLabel: 'पाठ पर लौटें',
        clobberPrefix: 'fn-',
      })
      // Heading ids that keep Devanagari intact.
      .use(rehypeHeadingIds)
  );
}

/** Runs the pipeline on a manuscript; messages land on the file. */
export async function transformManuscript(file: VFile): Promise<HastRoot> {
  const processor = createProcessor();
  return processor.run(processor.parse(file), file);
}

/** HTML for the print templates. */
export function toHtmlString(tree: HastRoot): string {
  return unified().use(rehypeStringify).stringify(tree);
}
