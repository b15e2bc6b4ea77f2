import path from 'node:path';

/**
 * mudran's own folder (bin/, fonts/, templates/): the one place it is worked out. This file is
 * two levels below it (src/model/), as the compiled code is (.cache/js/), so the same line
 * finds it from the sources and from the compiled CLI.
 */
export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin', 'mudran');
export const FONTS_DIR = path.join(ROOT, 'fonts');
export const TEMPLATES_DIR = path.join(ROOT, 'templates');
