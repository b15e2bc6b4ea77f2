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
  })
  .strict();

export type Config = z.output<typeof configSchema>;

export interface LoadedConfig {
  /** The config file with its messages; absent when the project has none. */
  file?: VFile;
  /** Absent when the file has errors. */
  config?: Config;
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
  return config ? { file, config } : { file };
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
