/**
 * Text made safe for HTML and XML alike, in element content and in quoted attributes: the one
 * escaping function of mudran's own markup (templates, the preview, XMP). Trees go through
 * rehype-stringify or xast-util-to-xml instead; CSS strings through cssString (print/layout.ts).
 */
export function escapeMarkup(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
