import { closestName } from '../model/suggest.ts';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { Point } from 'unist';
import { VFile } from 'vfile';
import { z } from 'zod';
import { EnvironmentError } from '../model/errors.ts';
import { FORMATS } from '../model/formats.ts';
import { reportError } from '../model/messages.ts';
import { frontMatterDefaultsSchema } from '../model/front-matter.ts';
import { location } from 'vfile-location';

export const CONFIG_FILE = 'mudran.config.json';

/** The project file: build defaults and front-matter defaults, every field optional. */
export const configSchema = z
  .object({
    out: z.string().trim().min(1, 'a folder name').optional(),
    formats: z.array(z.enum(FORMATS)).min(1, 'at least one format').optional(),
    defaults: frontMatterDefaultsSchema.optional(),
    /** The project's own stylesheet, for print and EPUB alike, or each its own. */
    style: z
      .union([
        z.string().trim().min(1, 'a CSS file such as style.css'),
        z.object({ print: z.string().trim().min(1).optional(), epub: z.string().trim().min(1).optional() }).strict(),
      ])
      .optional(),
  })
  .strict();

export type Config = z.output<typeof configSchema>;

export interface LoadedConfig {
  /** The config file with its messages; absent when the project has none. */
  file?: VFile;
  /** Absent when the file has errors. */
  config?: Config;
  /** The text of the stylesheets `style` names, read and checked. */
  styles?: ProjectStyles;
}

/** The CSS a project adds after mudran's own, for print (book and handout) and for the EPUB. */
export interface ProjectStyles {
  print?: string;
  epub?: string;
}

/** Reads `mudran.config.json` from `dir` (the run's folder) if there is one; mistakes are messages at their line. */
export async function loadConfig(dir: string): Promise<LoadedConfig> {
  const filePath = path.join(dir, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { config: {} };
    throw new EnvironmentError(`${filePath}: cannot read (${(error as Error).message})`);
  }
  const file = new VFile({ path: CONFIG_FILE, cwd: dir, value: text });
  const config = parseConfig(file, text);
  if (!config) return { file };
  const styles = config.style ? await readStyles(file, text, dir, config.style) : {};
  if (!styles) return { file };
  return { file, config, styles };
}

/**
 * Reads the stylesheets `style` names, each a CSS file inside the project's folder; a path that
 * leaves it, or a file that is not there, is an error at the path's place in the config.
 */
async function readStyles(
  file: VFile,
  text: string,
  dir: string,
  style: NonNullable<Config['style']>,
): Promise<ProjectStyles | undefined> {
  const tree = parseTree(text);
  const wanted: [keyof ProjectStyles, string, (string | number)[]][] =
    typeof style === 'string'
      ? [
          ['print', style, ['style']],
          ['epub', style, ['style']],
        ]
      : (['print', 'epub'] as const).flatMap((kind) =>
          style[kind] ? [[kind, style[kind], ['style', kind]] as [keyof ProjectStyles, string, string[]]] : [],
        );
  const styles: ProjectStyles = {};
  let ok = true;
  for (const [kind, written, where] of wanted) {
    const place = location(file).toPoint((tree && findNodeAtLocation(tree, where)?.offset) ?? 0) ?? {
      line: 1,
      column: 1,
    };
    const relative = path.relative(dir, path.resolve(dir, written));
    if (relative.startsWith('..') || path.isAbsolute(relative) || !/\.css$/i.test(written)) {
      reportError(file, `Unexpected stylesheet \`${written}\`, expected a .css file inside the project’s folder`, {
        place,
        ruleId: 'config-style',
      });
      ok = false;
      continue;
    }
    try {
      styles[kind] = await readFile(path.join(dir, relative), 'utf8');
    } catch {
      reportError(file, `No stylesheet \`${written}\` in the project’s folder, expected a CSS file at that path`, {
        place,
        ruleId: 'config-style',
      });
      ok = false;
    }
  }
  return ok ? styles : undefined;
}

function parseConfig(file: VFile, text: string): Config | undefined {
  // Offsets from jsonc-parser → places, by vfile-location as everywhere else.
  const lines = location(file);
  const at = (offset: number): Point => lines.toPoint(offset) ?? { line: 1, column: 1 };
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  for (const error of errors) {
    reportError(file, `Unexpected JSON (${printParseErrorCode(error.error)}), expected a JSON object`, {
      place: at(error.offset),
      ruleId: 'config-json',
    });
  }
  if (errors.length > 0 || !tree) {
    if (!tree && errors.length === 0) {
      reportError(file, 'Unexpected empty file, expected a JSON object', { place: at(0), ruleId: 'config-json' });
    }
    return undefined;
  }
  const result = configSchema.safeParse(JSON.parse(text));
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const where = issue.path.filter((key) => typeof key !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const keyNode = findNodeAtLocation(tree, [...where, key])?.parent?.children?.[0];
        const guess = closestName(key, knownFields(where).split(', '));
        const expected = guess
          ? `did you mean \`${[...where, guess].join('.')}\`?`
          : `expected one of ${knownFields(where)}`;
        reportError(file, `Unexpected field \`${[...where, key].join('.')}\`, ${expected}`, {
          place: at(keyNode?.offset ?? 0),
          ruleId: 'config-unknown-field',
        });
      }
      continue;
    }
    const node: Node | undefined = findNodeAtLocation(tree, where) ?? tree;
    reportError(file, `Unexpected value for \`${where.join('.')}\`, expected ${expectation(issue)}`, {
      place: at(node.offset),
      ruleId: 'config-type',
    });
  }
  return undefined;
}

/** What the schema wanted, in the words of the front-matter messages. */
function expectation(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    return issue.expected === 'string'
      ? 'a text'
      : issue.expected === 'array'
        ? 'a list such as [a, b]'
        : `a ${issue.expected}`;
  }
  if (issue.code === 'invalid_value') return `one of ${issue.values.join(', ')}`;
  return issue.message;
}

function knownFields(where: readonly PropertyKey[]): string {
  const shape = where[0] === 'defaults' ? frontMatterDefaultsSchema.shape : configSchema.shape;
  return Object.keys(shape).join(', ');
}
