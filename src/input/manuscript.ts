import { constants } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Point } from 'unist';
import { VFile } from 'vfile';
import { location } from 'vfile-location';
import { splitChapters, type Book } from '../model/book.ts';
import type { FrontMatterDefaults } from '../model/front-matter.ts';
import { transformManuscript } from '../pipeline/index.ts';
import { hasErrors, reportError, reportWarning } from '../model/messages.ts';
import { BLEED_MM, measureMm, TRIMS } from '../model/trim.ts';
import { CSS_PPI, readImageSize, type ImageSize } from './image-size.ts';
import { EnvironmentError } from '../model/errors.ts';

export { EnvironmentError };

/** What a manuscript may be: a long book is ~3 MB of Hindi; Markdown never needs deep nesting. */
export const LIMITS = { bytes: 8 * 1024 * 1024, nesting: 100, delimiters: 10_000 } as const;

/**
 * Reads a manuscript file as UTF-8 text. Unreadable paths are environment errors; a file
 * that is empty, binary, not UTF-8, too big or nested too deeply to parse safely gets an
 * error message and no text, so the pipeline never sees it. `filePath` is shown as given and
 * read relative to `cwd`, the run's folder (kept as `file.cwd` for the images and cover).
 */
export async function readManuscript(filePath: string, cwd: string): Promise<VFile> {
  const file = new VFile({ path: filePath, cwd, value: '' });
  let bytes: Buffer;
  let handle: FileHandle | undefined;
  try {
    // Opened without blocking (a FIFO would wait for a writer), then checked on the handle.
    handle = await open(path.resolve(cwd, filePath), constants.O_RDONLY | constants.O_NONBLOCK);
    const info = await handle.stat();
    if (info.isDirectory()) throw Object.assign(new Error('folder'), { code: 'EISDIR' });
    // A FIFO would block for good and a device (a link to /dev/zero) never ends.
    if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOTFILE' });
    if (info.size > LIMITS.bytes) {
      reportError(
        file,
        `Unexpected manuscript of ${megabytes(info.size)}, expected at most ${megabytes(LIMITS.bytes)}: split it into several files`,
        { place: { line: 1, column: 1 }, ruleId: 'input-size' },
      );
      return file;
    }
    // Never more than the limit, even if the file grows while it is read.
    const buffer = Buffer.alloc(info.size);
    const { bytesRead } = await handle.read(buffer, 0, info.size, 0);
    bytes = buffer.subarray(0, bytesRead);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a folder'
          : code === 'ENOTFILE'
            ? 'not a regular file: a pipe or a device'
            : (code ?? 'unreadable');
    throw new EnvironmentError(`${filePath}: cannot read manuscript (${why})`);
  } finally {
    await handle?.close();
  }
  const text = decodeManuscript(bytes, file);
  if (text !== undefined && checkNesting(text, file) && checkDelimiters(text, file)) file.value = text;
  return file;
}

/** The text of a UTF-8 file (byte-order mark dropped), or undefined with an error on `file`. */
function decodeManuscript(bytes: Buffer, file: VFile): string | undefined {
  const fail = (reason: string, ruleId: string, place: Point = { line: 1, column: 1 }) => {
    reportError(file, reason, { place, ruleId });
    return undefined;
  };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return fail('Unexpected UTF-16 text, expected UTF-8', 'input-encoding');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return fail('Unexpected UTF-16 text, expected UTF-8', 'input-encoding');
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    return fail('Unexpected binary data (a NUL byte), expected Markdown text', 'input-binary', pointAt(bytes, nul));
  }
  const valid = validUtf8Length(bytes);
  if (valid < bytes.length) {
    const byte = `0x${(bytes[valid] ?? 0).toString(16).toUpperCase().padStart(2, '0')}`;
    return fail(
      `Unexpected byte ${byte} that is not UTF-8, expected UTF-8 text (save the file as UTF-8)`,
      'input-encoding',
      pointAt(bytes, valid),
    );
  }
  const text = new TextDecoder('utf-8').decode(bytes);
  if (text.trim() === '') return fail('Unexpected empty manuscript, expected front matter and text', 'input-empty');
  return text;
}

/**
 * How many leading bytes are valid UTF-8. A prefix that is invalid stays invalid when it
 * grows, and streaming decoding forgives a sequence cut at the end, so a binary search finds
 * the longest forgiven prefix; the bad sequence starts at most 3 bytes before its end.
 */
function validUtf8Length(bytes: Buffer): number {
  const decodes = (length: number, stream: boolean): boolean => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, length), { stream });
      return true;
    } catch {
      return false;
    }
  };
  if (decodes(bytes.length, false)) return bytes.length;
  let low = 0;
  let high = bytes.length + 1;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (decodes(middle, true)) low = middle;
    else high = middle;
  }
  let end = Math.min(low, bytes.length);
  while (end > 0 && !decodes(end, false)) end -= 1;
  return end;
}

/** Line and column (in characters) of a byte offset. */
function pointAt(bytes: Buffer, offset: number): Point {
  const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
  const lines = before.split('\n');
  return { line: lines.length, column: [...(lines.at(-1) ?? '')].length + 1 };
}

const CONTAINER = /[ \t]*(?:>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))[ \t]?/y;
// A tag, not an autolink (`<https://…>`, `<a@b.c>`) nor an escaped `\<`.
const TAG = /(?<!\\)<(\/?)([a-zA-Z][\w-]*)(?![\w-]*[:@])(?:\s[^<>]*?)?(\/?)>/g;
const FENCE = /^[ \t]{0,3}(`{3,}|~{3,})/;
const CODE_SPAN = /(`+).*?(?<!`)\1(?!`)/g;
// Elements that never nest: void, or closed by the parser when the next one opens.
const FLAT_TAGS = new Set(
  'area base br col embed hr img input link meta source track wbr p li dt dd tr td th option'.split(' '),
);

/**
 * Refuses Markdown or HTML nested deeper than `LIMITS.nesting`: the Markdown parser slows
 * down quadratically and the tree tools recurse, so 10,000 levels would hang or crash.
 * Counts block quotes and list markers at each line's start (indentation counts half a
 * level per space) and open HTML tags; it errs towards counting too much.
 */
function checkNesting(text: string, file: VFile): boolean {
  const fail = (what: string, line: number) => {
    reportError(file, `Unexpected ${what} nested more than ${LIMITS.nesting} levels deep, expected shallower nesting`, {
      place: { line, column: 1 },
      ruleId: 'input-nesting',
    });
    return false;
  };
  const lines = text.split('\n');
  let htmlDepth = 0;
  let fence: string | undefined;
  for (const [index, line] of lines.entries()) {
    // Tags in code are text, not HTML.
    const fenced = FENCE.exec(line)?.[1];
    if (fence !== undefined) {
      if (fenced !== undefined && fenced[0] === fence[0] && fenced.length >= fence.length && line.trim() === fenced) {
        fence = undefined;
      }
      continue;
    }
    if (fenced !== undefined) {
      fence = fenced;
      continue;
    }
    let markers = 0;
    CONTAINER.lastIndex = 0;
    while (markers <= LIMITS.nesting && CONTAINER.test(line)) markers += 1;
    const indent = /^[ \t]*/.exec(line)?.[0].replace(/\t/g, '    ').length ?? 0;
    if (markers > 0 && markers + Math.floor(indent / 2) > LIMITS.nesting) return fail('Markdown', index + 1);
    for (const [, closing, name = '', selfClosing] of line.replace(CODE_SPAN, '').matchAll(TAG)) {
      if (FLAT_TAGS.has(name.toLowerCase()) || selfClosing) continue;
      htmlDepth = closing ? Math.max(0, htmlDepth - 1) : htmlDepth + 1;
      if (htmlDepth > LIMITS.nesting) return fail('HTML', index + 1);
    }
  }
  return true;
}

/**
 * Refuses a paragraph with more than `LIMITS.delimiters` emphasis, code or strikethrough
 * marks: the Markdown parser pairs them in time that grows with their square (50 KB of `a*`
 * took 37 s), and no book needs so many in one paragraph.
 */
function checkDelimiters(text: string, file: VFile): boolean {
  let line = 1;
  for (const block of text.split(/\n[ \t]*\n/)) {
    let marks = 0;
    for (let i = 0; i < block.length; i++) {
      const code = block.charCodeAt(i);
      // * _ ` ~
      if (code === 42 || code === 95 || code === 96 || code === 126) marks++;
    }
    if (marks > LIMITS.delimiters) {
      reportError(
        file,
        `Unexpected ${marks} emphasis or code marks (\`*\`, \`_\`, \`\`\`, \`~\`) in one paragraph, expected at most ${LIMITS.delimiters}: split the paragraph or escape the marks`,
        { place: { line, column: 1 }, ruleId: 'input-delimiters' },
      );
      return false;
    }
    line += block.split('\n').length + 1;
  }
  return true;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Runs the pipeline on a manuscript and checks its images on disk. Returns the book when it
 * has no errors; the messages (errors and warnings) are on `file` either way.
 */
export async function checkManuscript(file: VFile, defaults?: FrontMatterDefaults): Promise<Book | undefined> {
  if (hasErrors(file)) return undefined;
  const tree = await transformManuscript(file, defaults);
  const images = await findImages(file);
  const matter = file.data.matter;
  const imageSizes = matter
    ? await checkImageSizes(file, images, measureMm(matter.trim), TRIMS[matter.trim].width + 2 * BLEED_MM)
    : new Map();
  const cover = matter?.cover ? await findCover(file, matter.cover) : undefined;
  if (hasErrors(file) || !matter) return undefined;
  return {
    name: path.basename(file.path, path.extname(file.path)),
    file,
    // The cover as the real file the check accepted, so the build reads nothing else.
    matter: cover ? { ...matter, cover } : matter,
    tree,
    chapters: splitChapters(tree, matter.title),
    images,
    imageSizes,
  };
}

/** The lowest resolution an image may print at without looking coarse. */
const MIN_PPI = 200;

/**
 * Each image's pixel size, and a warning at each image that prints too coarse (under 200 ppi at
 * its printed width, unless it prints under 10 mm) or wider than the text block (it is then fitted to it). An image prints at
 * its own resolution when the file gives one, else at 96 ppi, the web's CSS pixel.
 */
async function checkImageSizes(
  file: VFile,
  images: ReadonlyMap<string, string>,
  measure: number,
  bleedWidth: number,
): Promise<Map<string, ImageSize>> {
  const sizes = new Map<string, ImageSize>();
  for (const [src, real] of images) {
    const size = await readImageSize(real);
    if (size) sizes.set(src, size);
  }
  for (const use of file.data.images ?? []) {
    const size = sizes.get(use.path);
    if (!size || size.width === 0) continue;
    const natural = (size.width / (size.ppi ?? CSS_PPI)) * 25.4;
    // A full-bleed figure prints across the page and its bleed, whatever its own size.
    const printed = use.bleed ? bleedWidth : Math.min(natural, measure);
    const ppi = size.width / (printed / 25.4);
    const place = { place: use.position };
    if (!use.bleed && natural > measure + 0.5) {
      reportWarning(
        file,
        `Image \`${use.path}\` is ${Math.round(natural)} mm wide at ${Math.round(size.ppi ?? CSS_PPI)} ppi, wider than the ${Math.round(measure)} mm text width: set at ${Math.round(measure)} mm`,
        { ...place, ruleId: 'image-fitted' },
      );
    }
    // An icon-sized image (under 10 mm) is not judged: coarse or not, no reader sees its pixels.
    if (ppi < MIN_PPI && printed >= 10) {
      const needed = Math.ceil((MIN_PPI * printed) / 25.4);
      reportWarning(
        file,
        `Low resolution in \`${use.path}\`: ${Math.round(ppi)} ppi at its printed width of ${Math.round(printed)} mm, expected at least ${MIN_PPI} ppi (${needed} pixels across, or a resolution in the file)`,
        { ...place, ruleId: 'image-resolution' },
      );
    }
  }
  return sizes;
}

/**
 * The real file of the front matter's `cover`, checked as images are: inside the manuscript's
 * folder (links followed), a regular file, a PNG or JPEG by its first bytes. Each problem is an
 * error at the `cover` value (at the manuscript's start when the value came from the config).
 */
async function findCover(file: VFile, cover: string): Promise<string | undefined> {
  const place = file.data.matterPlaces?.get('cover');
  const start = location(file).toPoint(place?.values[0]?.[0] ?? place?.key ?? 0);
  const at = { place: start ?? { line: 1, column: 1 } };
  const folder = await realpath(path.resolve(file.cwd, file.dirname ?? '.'));
  const outside = () =>
    reportError(file, `Unexpected cover \`${cover}\` outside the manuscript’s folder, expected a file inside it`, {
      ...at,
      ruleId: 'image-outside-folder',
    });
  const written = path.relative(folder, path.resolve(folder, cover));
  if (written === '..' || written.startsWith(`..${path.sep}`) || path.isAbsolute(written)) {
    outside();
    return undefined;
  }
  const found = await realFileIn(folder, cover);
  if ('problem' in found && found.problem === 'missing') {
    reportError(file, `No cover \`${cover}\` next to the manuscript, expected a file at that path`, {
      ...at,
      ruleId: 'image-missing',
    });
    return undefined;
  }
  if ('problem' in found) {
    outside();
    return undefined;
  }
  const expected = /\.png$/i.test(cover) ? 'PNG' : 'JPEG';
  if ((await imageKind(found.real)) !== expected) {
    reportError(file, `Unexpected content in cover \`${cover}\`, expected a ${expected} image`, {
      ...at,
      ruleId: 'image-type',
    });
    return undefined;
  }
  return found.real;
}

/** What an image file is by its first bytes. */
async function imageKind(file: string): Promise<'PNG' | 'JPEG' | undefined> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  const head = new Uint8Array(4);
  try {
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  if (head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47) return 'PNG';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'JPEG';
  return undefined;
}

/** The real file a path inside `folder` (itself real) names, links followed: missing, or leading outside it. */
async function realFileIn(
  folder: string,
  relative: string,
): Promise<{ real: string } | { problem: 'missing' | 'outside' }> {
  let real: string;
  try {
    real = await realpath(path.resolve(folder, relative));
    if (!(await stat(real)).isFile()) return { problem: 'missing' };
  } catch {
    return { problem: 'missing' };
  }
  return real.startsWith(folder + path.sep) ? { real } : { problem: 'outside' };
}

/**
 * The real file of every image the pipeline kept, by its `src`. A missing file, or a link
 * that leads out of the manuscript's folder, is an error at the image.
 */
async function findImages(file: VFile): Promise<Map<string, string>> {
  const images = new Map<string, string>();
  const uses = file.data.images ?? [];
  if (uses.length === 0) return images;
  const folder = await realpath(path.resolve(file.cwd, file.dirname ?? '.'));
  for (const use of uses) {
    const found = await realFileIn(folder, use.path);
    if ('problem' in found && found.problem === 'missing') {
      reportError(file, `No image \`${use.path}\` next to the manuscript, expected a file at that path`, {
        place: use.position,
        ruleId: 'image-missing',
      });
      continue;
    }
    if ('problem' in found) {
      reportError(
        file,
        `Unexpected image \`${use.path}\` that links outside the manuscript’s folder, expected a file inside it`,
        { place: use.position, ruleId: 'image-outside-folder' },
      );
      continue;
    }
    images.set(use.path, found.real);
  }
  return images;
}
