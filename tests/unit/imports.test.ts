import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');

/** Every relative module `file` imports: static, type-only, re-exported and dynamic alike. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = new Set<string>();
  for (const match of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"]+\.ts)\1/gm)) {
    found.add(path.resolve(path.dirname(file), match[2]!));
  }
  return [...found];
}

/** The import cycles of a graph, each as the modules along it (Tarjan's strongly connected components). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, index.get(target)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component.reverse());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** A source's code without its comments (which may well name process.env). */
function withoutComments(file: string): string {
  return readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
}

const sources = readdirSync(SRC, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
  .map((entry) => path.join(entry.parentPath, entry.name));
const graph = new Map(sources.map((file) => [file, importsOf(file)]));
const relative = (file: string) => path.relative(SRC, file);

describe('the import graph of src/', () => {
  it('reads the imports it is checking (the graph is not empty)', () => {
    expect(sources.length).toBeGreaterThan(50);
    expect(graph.get(path.join(SRC, 'cli/main.ts'))?.map(relative)).toContain('cli/commands/build.ts');
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b']]);
  });

  it('has no cycle, counting type-only and dynamic imports', () => {
    expect(cycles(graph).map((cycle) => cycle.map(relative).join(' → '))).toEqual([]);
  });

  it('imports only modules that exist', () => {
    const missing = [...graph].flatMap(([file, targets]) =>
      targets.filter((target) => !graph.has(target)).map((target) => `${relative(file)} → ${relative(target)}`),
    );
    expect(missing).toEqual([]);
  });

  it('reads process.env, process.cwd() and process.chdir() only in the CLI', () => {
    const readers = sources.filter(
      (file) => !relative(file).startsWith('cli/') && /process\.(env|cwd\(|chdir\()/.test(withoutComments(file)),
    );
    expect(readers.map(relative)).toEqual([]);
  });
});
