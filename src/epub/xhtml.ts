import type { Root } from 'hast';
import { toXast } from 'hast-util-to-xast';
import { toXml } from 'xast-util-to-xml';

/**
 * Well-formed XHTML for the EPUB's content documents: every attribute has a value
 * (`data-footnotes=""`, `hidden=""`), empty elements are closed (`<br />`), and text stays
 * raw UTF-8; only `&`, `<`, quotes in attributes and the `>` of `]]>` become references.
 */
export function toXhtml(tree: Root): string {
  const xast = toXast(tree);
  // The fragment goes inside the template's <html>, which already declares the namespace.
  if (xast.type === 'root') {
    for (const node of xast.children) if (node.type === 'element') delete node.attributes['xmlns'];
  }
  // `]]>` is not allowed in XML text as it stands (it would end a CDATA section): escape its `>`.
  return toXml(xast, { closeEmptyElements: true }).replaceAll(']]>', ']]&gt;');
}
