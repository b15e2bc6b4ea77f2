import { closestName } from '../model/suggest.ts';
import type { Root, Yaml } from 'mdast';
import type { Point, Position } from 'unist';
import type { VFile } from 'vfile';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { FIELD_NAMES, frontMatterSchema, type FrontMatter, type FrontMatterDefaults } from '../model/front-matter.ts';
import { reportError, reportWarning } from '../model/messages.ts';

export interface FieldPlace {
  key: number;
  /** [start, end) of each value: one for a text, one per item of a list. */
  values: (readonly [number, number])[];
}

declare module 'vfile' {
  interface DataMap {
    /** The validated front matter; absent when it has errors. */
    matter: FrontMatter;
    /**
     * Where each field of the manuscript's front matter is written: offsets in the manuscript
     * of its key and of each value's source (quotes included), so later stages report at the
     * value itself without searching for it. Fields from the config's defaults have none.
     */
    matterPlaces: ReadonlyMap<string, FieldPlace>;
  }
}

/**
 * Reads the YAML front matter (recognised by remark-frontmatter), validates it against
 * the schema and stores it in `file.data.matter`. Problems are messages at the YAML line
 * that caused them; the node is removed so it never reaches the HTML. `defaults` (already
 * checked, from the project's config file) fill the fields the manuscript leaves out.
 */
export default function remarkFrontMatter(options: { defaults?: FrontMatterDefaults } = {}) {
  return (tree: Root, file: VFile) => {
    const first = tree.children[0];
    if (first?.type !== 'yaml') {
      reportError(file, 'Unexpected manuscript without front matter, expected a `---` block with at least `title:`', {
        place: { line: 1, column: 1 },
        ruleId: 'frontmatter-missing',
      });
      return;
    }
    tree.children.shift();
    const matter = readFrontMatter(first, file, options.defaults ?? {});
    if (matter) file.data.matter = matter;
  };
}

function readFrontMatter(node: Yaml, file: VFile, defaults: FrontMatterDefaults): FrontMatter | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(node.value, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  // The YAML text starts on the line after the opening `---`.
  const firstLine = (node.position?.start.line ?? 1) + 1;
  const at = (offset: number): Point => {
    const { line, col } = lines.linePos(offset);
    return { line: firstLine + line - 1, column: col };
  };
  const span = (range: readonly [number, number, number] | null | undefined): Position | Point =>
    range ? { start: at(range[0]), end: at(range[1]) } : { line: firstLine, column: 1 };

  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      // `title: मॉस्को: रूस` is the usual one: a colon in an unquoted value reads as a second key.
      const field =
        error.code === 'BLOCK_AS_IMPLICIT_KEY' || /Nested mappings/.test(error.message)
          ? /^\s*([\w-]+):/.exec(node.value.slice(node.value.lastIndexOf('\n', error.pos[0]) + 1))?.[1]
          : undefined;
      const reason = field
        ? `Unexpected colon in the value of \`${field}\`, expected the value in quotes: ${field}: "…"`
        : `Unexpected YAML: ${error.message.split('\n')[0] ?? error.code}`;
      reportError(file, reason, { place: at(error.pos[0]), ruleId: 'frontmatter-yaml' });
    }
    return undefined;
  }

  const contents = doc.contents;
  if (contents !== null && !isMap(contents)) {
    reportError(file, 'Unexpected front matter that is not a list of `field: value` lines', {
      place: span(contents.range),
      ruleId: 'frontmatter-yaml',
    });
    return undefined;
  }

  const valueNodes = new Map<string, YamlNode>();
  const places = new Map<string, FieldPlace>();
  // The YAML text starts after the opening `---` line.
  const source = String(file.value);
  const yamlStart = source.indexOf('\n', node.position?.start.offset ?? 0) + 1;
  const absolute = (range: readonly [number, number, number] | null | undefined) =>
    range ? ([yamlStart + range[0], yamlStart + range[1]] as const) : undefined;
  file.data.matterPlaces = places;
  for (const pair of contents?.items ?? []) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined) continue;
    const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
    if (!FIELD_NAMES.includes(key)) {
      const guess = closestName(key, FIELD_NAMES);
      const expected = guess ? `did you mean \`${guess}\`?` : `expected one of ${FIELD_NAMES.join(', ')}`;
      reportWarning(file, `Unexpected front-matter field \`${key}\`, ${expected}`, {
        place: span(keyRange),
        ruleId: 'frontmatter-unknown-field',
      });
    }
    valueNodes.set(key, (pair.value as YamlNode | null) ?? pair.key);
    const value = pair.value as YamlNode | null;
    const items = value && isSeq(value) ? (value.items as YamlNode[]) : value ? [value] : [];
    places.set(key, {
      key: absolute(keyRange)?.[0] ?? yamlStart,
      values: items.map((item) => absolute(item.range)).filter((range) => range !== undefined),
    });
  }

  let values: Record<string, unknown>;
  try {
    values = (doc.toJS({ maxAliasCount: 100 }) ?? {}) as Record<string, unknown>;
  } catch {
    // Aliases that expand exponentially (a "billion laughs" block): refused, not expanded.
    reportError(file, 'Unexpected YAML aliases that expand past 100 copies, expected plain values', {
      place: { line: firstLine, column: 1 },
      ruleId: 'frontmatter-yaml',
    });
    return undefined;
  }
  const raw: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(values)) {
    if (FIELD_NAMES.includes(key) && value !== null) raw[key] = value;
  }
  const result = frontMatterSchema.safeParse(raw);
  if (result.success) return result.data;

  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '');
    const valueNode = valueNodes.get(field);
    const missingTitle = field === 'title' && !(valueNode && isScalar(valueNode) && valueNode.value);
    reportError(
      file,
      missingTitle
        ? 'No `title` in the front matter, expected the book’s title'
        : `Unexpected value for \`${issue.path.join('.')}\`, expected ${expectation(issue)}`,
      {
        place: valueNode ? span(valueNode.range) : { line: firstLine, column: 1 },
        ruleId: missingTitle ? 'frontmatter-title' : 'frontmatter-type',
      },
    );
  }
  return undefined;
}

function expectation(issue: { code: string; message: string; expected?: unknown }): string {
  if (issue.code === 'invalid_type' && typeof issue.expected === 'string') {
    return issue.expected === 'array'
      ? 'a list such as [a, b]'
      : issue.expected === 'string'
        ? 'a text'
        : `a ${issue.expected}`;
  }
  if (issue.code === 'invalid_union') return 'a text or a list of texts';
  return issue.message;
}
