import type { Element, Properties, Root, RootContent } from 'hast';
import { defaultSchema, sanitize, type Schema } from 'hast-util-sanitize';
import { find, html } from 'property-information';
import type { Position } from 'unist';
import type { VFile } from 'vfile';
import { visit } from 'unist-util-visit';
import { reportWarning } from '../model/messages.ts';

// GitHub limits classes to a few per element; a book's templates may style any class.
const defaultAttributes = Object.fromEntries(
  Object.entries(defaultSchema.attributes ?? {}).map(([tagName, definitions]) => [
    tagName,
    definitions.filter((definition) => !(Array.isArray(definition) && definition[0] === 'className')),
  ]),
);

/**
 * What a book keeps from raw HTML: GitHub's safe set plus figures, captions and the
 * attributes templates and scripts of the world need (`lang`, `dir`, ids, classes).
 * Nothing that can run, load or redirect: no script, style, link, meta, base, form,
 * frames, objects, embeds, inline SVG/MathML, event handlers, `style` attributes or
 * `javascript:`/`data:` URLs. Elements whose content is code or a document of its own
 * are removed with that content; other unknown elements give way to their children.
 */
export const bookSchema: Schema = {
  ...defaultSchema,
  tagNames: [
    ...(defaultSchema.tagNames ?? []).filter((name) => name !== 'picture' && name !== 'source'),
    'abbr',
    'bdi',
    'bdo',
    'caption',
    'cite',
    'col',
    'colgroup',
    'figcaption',
    'figure',
    'mark',
    'small',
    'u',
    'wbr',
  ],
  attributes: {
    ...defaultAttributes,
    '*': [...(defaultAttributes['*'] ?? []), 'className', 'lang', 'dir'],
  },
  // Without script, clobbering cannot hurt; prefixes would break the book's own anchors.
  clobber: [],
  protocols: { ...defaultSchema.protocols, href: ['http', 'https', 'mailto'] },
  strip: [
    'script',
    'style',
    'template',
    'iframe',
    'frame',
    'frameset',
    'object',
    'embed',
    'applet',
    'noscript',
    'noembed',
    'noframes',
    'textarea',
    'title',
    'xmp',
    'svg',
    'math',
  ],
};

/**
 * Sanitises the HTML tree (raw HTML from the manuscript included) with `bookSchema` and
 * warns at the line of each element or attribute it removed. Drops are found by comparing
 * the elements before and after, matched by their place in the manuscript; elements
 * without a place were made by mudran and are always allowed.
 */
export default function rehypeSanitizeBook() {
  const stripped = new Set(bookSchema.strip);
  return (tree: Root, file: VFile): Root => {
    lowerCaseSchemes(tree);
    const before = placedElements(tree, stripped);
    const clean = sanitize(tree, bookSchema) as Root;
    const after = new Map(placedElements(clean, stripped).map((element) => [placeKey(element), element]));
    const seen = new Set<string>();
    for (const element of before) {
      // The parser may rebuild one written element in several places (an `<i>` left open).
      if (seen.has(placeKey(element))) continue;
      seen.add(placeKey(element));
      const kept = after.get(placeKey(element));
      if (!kept) {
        const how =
          element.children.length === 0
            ? 'removed'
            : stripped.has(element.tagName)
              ? 'removed with its content'
              : 'removed, its content kept';
        reportWarning(file, `Unexpected \`<${element.tagName}>\` in a book, expected plain book markup; ${how}`, {
          place: element.position,
          ruleId: 'html-element',
        });
        continue;
      }
      for (const name of droppedProperties(element.properties, kept.properties)) {
        reportWarning(
          file,
          `Unexpected attribute \`${describe(name, element.properties[name])}\` on \`<${element.tagName}>\`, expected plain book markup; removed`,
          { place: element.position, ruleId: 'html-attribute' },
        );
      }
    }
    unwrapBlocksInPhrasing(clean);
    openDisclosures(clean);
    return clean;
  };
}

/** Elements that carry a place in the manuscript, not descending into ones that would be stripped. */
function placedElements(tree: Root, stripped: ReadonlySet<string>): Element[] {
  const found: Element[] = [];
  // An explicit stack: hostile input may nest deeply.
  const stack: (Root | RootContent)[] = [tree];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.type === 'element') {
      if (node.position) found.push(node);
      if (stripped.has(node.tagName)) continue;
    }
    if ('children' in node) for (const child of node.children) stack.push(child);
  }
  return found;
}

function placeKey(element: Element): string {
  // hast-util-raw can leave a position without its start or end (a link inside raw `<a>`).
  const position: Partial<Position> = element.position ?? {};
  return `${element.tagName}@${position.start?.offset ?? -1}-${position.end?.offset ?? -1}`;
}

function droppedProperties(before: Properties, after: Properties): string[] {
  return Object.keys(before).filter((name) => String(before[name]) !== String(after[name]));
}

/** `onclick="…"` as the author wrote it, shortened. */
function describe(property: string, value: Properties[string]): string {
  const attribute = find(html, property).attribute;
  const text = Array.isArray(value) ? value.join(' ') : String(value);
  if (value === true || text === '') return attribute;
  return `${attribute}="${text.length > 60 ? `${text.slice(0, 59)}…` : text}"`;
}

/**
 * URL schemes are case-insensitive (RFC 3986 §3.1) but the sanitiser's protocol check is not:
 * `<Http://example.org>` would lose its link with a false warning. Schemes are lowercased first.
 */
function lowerCaseSchemes(tree: Root): void {
  visit(tree, 'element', (node) => {
    for (const name of ['href', 'src']) {
      const value = node.properties[name];
      if (typeof value === 'string') {
        node.properties[name] = value.replace(/^\s*[a-z][a-z0-9+.-]*:/i, (scheme) => scheme.toLowerCase());
      }
    }
  });
}

/** Elements whose content may only be phrasing (text-level) content. */
const PHRASING_ONLY = new Set([
  ...['p', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'span', 'em', 'strong', 'b', 'i', 'u', 's', 'code'],
  ...['small', 'mark', 'sub', 'sup', 'cite', 'abbr', 'q', 'bdi', 'bdo', 'kbd', 'samp', 'var', 'dfn'],
]);

/**
 * The HTML parser nests a paragraph or a `<div>` inside `<pre>` or `<span>` when raw HTML opens
 * one around Markdown (`<pre>` … blank line … `_text_` … `</pre>`): browsers show it, but XHTML's
 * content model (and so EPUBCheck) refuses it. Such a block gives way to its children; no text is lost.
 */
function unwrapBlocksInPhrasing(tree: Root): void {
  visit(tree, 'element', (node, index, parent) => {
    if (index === undefined || parent?.type !== 'element' || !PHRASING_ONLY.has(parent.tagName)) return;
    if (node.tagName !== 'p' && node.tagName !== 'div') return;
    parent.children.splice(index, 1, ...node.children);
    return index;
  });
}

/**
 * A page cannot be clicked: a closed `<details>` prints only its summary (Chromium left the rest
 * out of the PDFs), so every one is open, in every output.
 */
function openDisclosures(tree: Root): void {
  visit(tree, 'element', (node) => {
    if (node.tagName === 'details') node.properties['open'] = true;
  });
}
