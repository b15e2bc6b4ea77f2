// The output formats, apart from the renderers so the CLI and the config file can name
// them without loading a browser.
export const FORMATS = ['epub', 'kepub', 'pdf', 'handout', 'booklet', 'press'] as const;
export type Format = (typeof FORMATS)[number];
export const DEFAULT_FORMATS: readonly Format[] = ['epub', 'pdf', 'handout'];

/** The file a format is written to, named after the manuscript. */
export function outputName(name: string, format: Format): string {
  switch (format) {
    case 'epub':
      return `${name}.epub`;
    case 'kepub':
      // The name Kobo's devices look for.
      return `${name}.kepub.epub`;
    case 'pdf':
      return `${name}.pdf`;
    case 'handout':
      return `${name}-handout.pdf`;
    case 'booklet':
      return `${name}-booklet.pdf`;
    case 'press':
      return `${name}-press.pdf`;
  }
}

/** Whether a format is an EPUB (made from the tree, paginated by the book's first print). */
export function isEpub(format: Format): format is 'epub' | 'kepub' {
  return format === 'epub' || format === 'kepub';
}
