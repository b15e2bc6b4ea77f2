import path from 'node:path';
import { IMAGE_TYPES } from '../pipeline/rehype-images.ts';
import { FONTS_DIR, TEMPLATES_DIR } from '../model/paths.ts';

/** Media types of every file mudran serves to a page. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ...IMAGE_TYPES,
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.woff2': 'font/woff2',
};

export interface Asset {
  file: string;
  /** A checked image of the book (not one of mudran's own files). */
  image: boolean;
}

/**
 * The file behind a page's request path (decoded, starting with `/`): one of the book's checked
 * images, a font from fonts/, or a file from templates/; nothing else, nothing below them. The
 * print sandbox and the preview serve the same files through this one function.
 */
export function assetFor(pathname: string, images: ReadonlyMap<string, string>): Asset | undefined {
  const image = images.get(pathname.slice(1));
  if (image) return { file: image, image: true };
  const [root, relative] = pathname.startsWith('/fonts/')
    ? [FONTS_DIR, pathname.slice('/fonts/'.length)]
    : [TEMPLATES_DIR, pathname.slice(1)];
  const resolved = path.resolve(root, relative);
  return path.dirname(resolved) === root && path.extname(resolved) in CONTENT_TYPES
    ? { file: resolved, image: false }
    : undefined;
}
