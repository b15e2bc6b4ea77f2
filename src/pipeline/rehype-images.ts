import path from 'node:path';
import type { Element, Root } from 'hast';
import type { Position } from 'unist';
import { SKIP, visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { reportError, reportWarning } from '../model/messages.ts';

/** An image the book uses, by its path inside the manuscript's folder (`/`-separated). */
export interface ImageUse {
  path: string;
  position: Position | undefined;
  /** A full-bleed figure's (rehype-figures): printed across the page and its bleed. */
  bleed?: boolean;
}

declare module 'vfile' {
  interface DataMap {
    /** Every local image the book shows, checked against the disk by `checkManuscript`. */
    images: ImageUse[];
  }
}

export const IMAGE_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
};

/**
 * Images come from the manuscript's folder and nowhere else. A path that leaves the folder
 * is an error; a URL (`http:`, `//host`, …) is a warning and the image is removed, so
 * neither the print page nor the EPUB ever fetches it. Kept images get a normalised
 * relative `src` and are listed in `file.data.images`.
 */
export default function rehypeImages() {
  return (tree: Root, file: VFile) => {
    const images: ImageUse[] = [];
    const folder = path.resolve(file.cwd, file.dirname ?? '.');
    visit(tree, 'element', (node, index, parent) => {
      if (node.tagName !== 'img' || !parent || index === undefined) return;
      const src = typeof node.properties['src'] === 'string' ? node.properties['src'] : '';
      const local = src !== '' && !/^[a-z][a-z0-9+.-]*:|^\/\//i.test(src) ? localPath(folder, src) : undefined;
      if (src !== '' && !local) {
        reportWarning(
          file,
          `Unexpected image from \`${shorten(src)}\`, expected a file inside the manuscript’s folder; removed`,
          { place: node.position, ruleId: 'image-remote' },
        );
      }
      if (!local) {
        parent.children.splice(index, 1);
        return [SKIP, index];
      }
      if (local.startsWith('../') || local === '..' || path.isAbsolute(local)) {
        reportError(
          file,
          `Unexpected image path \`${shorten(src)}\` outside the manuscript’s folder, expected a file inside it`,
          {
            place: node.position,
            ruleId: 'image-outside-folder',
          },
        );
        return;
      }
      if (!(path.extname(local).toLowerCase() in IMAGE_TYPES)) {
        reportError(
          file,
          `Unexpected image type \`${path.extname(local) || local}\`, expected one of ${Object.keys(IMAGE_TYPES).join(', ')}`,
          { place: node.position, ruleId: 'image-type' },
        );
        return;
      }
      setSource(node, local);
      images.push({ path: local, position: node.position });
      return undefined;
    });
    file.data.images = images;
  };
}

/** The `/`-separated path of `src` relative to the folder (`../…` when it leaves it). */
function localPath(folder: string, src: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(src.replace(/[?#].*$/s, ''));
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  return path.relative(folder, path.resolve(folder, decoded)).split(path.sep).join('/');
}

function setSource(node: Element, local: string): void {
  node.properties['src'] = local.split('/').map(encodeURIComponent).join('/');
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
