import type { Root } from 'hast';
import { headingRank } from 'hast-util-heading-rank';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { reportWarning } from '../model/messages.ts';

/** `# A long chapter title {short="Short"}`: the attribute Pandoc's readers know, at a heading's end. */
const SHORT = /\s*\{\s*short\s*=\s*"([^"]*)"\s*\}\s*$/u;

/**
 * A heading may end with `{short="…"}`, the title its running heads print when the whole title is
 * too long for them. It is taken off the heading's text and kept as `data-short`; an empty one is
 * a warning and is dropped.
 */
export default function rehypeShortTitles() {
  return (tree: Root, file: VFile) => {
    visit(tree, 'element', (node) => {
      if (headingRank(node) === undefined) return;
      const last = node.children.at(-1);
      if (last?.type !== 'text') return;
      const found = SHORT.exec(last.value);
      if (!found) return;
      last.value = last.value.slice(0, found.index);
      const short = found[1]!.trim();
      if (short) node.properties['dataShort'] = short;
      else {
        reportWarning(file, 'Unexpected empty `short` title, expected the text for the running heads', {
          place: node.position,
          ruleId: 'heading-short',
        });
      }
    });
  };
}
