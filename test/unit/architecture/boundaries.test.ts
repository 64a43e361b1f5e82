// The dependency direction of docs/architecture.md, checked two ways: ESLint's no-restricted-imports
// (what an editor shows while typing) must fire on a forbidden import, and the resolved import graph
// of the sources must keep the rules that import strings alone cannot express (what the browser
// bundle reaches transitively; which engine files may name the connector list).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ESLint } from 'eslint';

const ROOT = resolve(import.meta.dirname, '../../..');
const SOURCE_DIRS = ['metadata', 'forms', 'engine', 'connectors', 'ui/src'];
const NODE_ONLY_PACKAGES = ['pg', 'knex', 'objection', 'express', 'pg-boss', '@electric-sql/pglite', 'bpmn-moddle'];
/** The composition root: the only engine files that may name the connector list. */
const COMPOSITION_ROOT = [/^engine\/server\.ts$/, /^engine\/worker\.ts$/, /^engine\/cli\//];

interface SourceFile {
  readonly path: string; // relative to ROOT, with '/'
  readonly files: string[]; // resolved relative imports
  readonly specifiers: string[]; // bare and node: imports
}

function sourceFiles(dir: string): string[] {
  const abs = join(ROOT, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.tsx?$/.test(name) && !name.includes('node_modules'))
    .map((name) => join(dir, name).split('\\').join('/'))
    .filter((path) => statSync(join(ROOT, path)).isFile());
}

function parse(path: string): SourceFile {
  const text = readFileSync(join(ROOT, path), 'utf8');
  const files: string[] = [];
  const specifiers: string[] = [];
  // Static imports and re-exports (`import … from`, `export … from`, `import '…'`) and dynamic import('…').
  // `import type` / `export type` load nothing at run time: they are not edges.
  const pattern = /(?:^|\n)\s*(?:import|export)\s(?!type\s)[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of text.matchAll(pattern)) {
    const specifier = match[1] ?? match[2] ?? match[3]!;
    if (specifier.startsWith('.')) files.push(relative(ROOT, resolve(ROOT, dirname(path), specifier)).split('\\').join('/'));
    else specifiers.push(specifier);
  }
  return { path, files, specifiers };
}

const graph = new Map<string, SourceFile>();
for (const dir of SOURCE_DIRS) for (const path of sourceFiles(dir)) graph.set(path, parse(path));

/** Every source file reachable from `entry` through relative imports. */
function reachable(entry: string): SourceFile[] {
  const seen = new Set<string>();
  const queue = [entry];
  const out: SourceFile[] = [];
  while (queue.length) {
    const path = queue.pop()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const file = graph.get(path);
    if (!file) continue; // JSON modules, assets
    out.push(file);
    queue.push(...file.files);
  }
  return out;
}

function nodeOnly(specifier: string): boolean {
  return specifier.startsWith('node:') || NODE_ONLY_PACKAGES.some((pkg) => specifier === pkg || specifier.startsWith(`${pkg}/`));
}

test('the import graph was read (the checks below have something to check)', () => {
  expect(graph.size).toBeGreaterThan(100);
  expect(graph.get('metadata/index.ts')?.files).toContain('metadata/browser.ts');
});

test('what the browser loads (metadata/browser.ts, forms/, the web app) reaches no Node-only module', () => {
  const entries = ['metadata/browser.ts', 'forms/index.ts', ...[...graph.keys()].filter((p) => p.startsWith('ui/src/'))];
  const offences: string[] = [];
  for (const entry of entries) {
    for (const file of reachable(entry)) {
      for (const specifier of file.specifiers.filter(nodeOnly)) offences.push(`${entry} → … → ${file.path} imports ${specifier}`);
      for (const target of file.files) if (/^(engine|connectors)\//.test(target)) offences.push(`${entry} → … → ${file.path} imports ${target}`);
    }
  }
  expect([...new Set(offences)]).toEqual([]);
});

test('nothing outside ui/ imports ui/', () => {
  const offences = [...graph.values()].filter((f) => !f.path.startsWith('ui/')).flatMap((f) => f.files.filter((t) => t.startsWith('ui/')).map((t) => `${f.path} → ${t}`));
  expect(offences).toEqual([]);
});

test('only the composition root (server, worker, CLI) names the connector list', () => {
  const offences = [...graph.values()]
    .filter((f) => f.path.startsWith('engine/') && !COMPOSITION_ROOT.some((re) => re.test(f.path)))
    .flatMap((f) => f.files.filter((t) => t.startsWith('connectors/')).map((t) => `${f.path} → ${t}`));
  expect(offences).toEqual([]);
});

test('connectors reach the engine only through its connector API', () => {
  const offences = [...graph.values()]
    .filter((f) => f.path.startsWith('connectors/'))
    .flatMap((f) => f.files.filter((t) => t.startsWith('engine/') && t !== 'engine/connectors/index.ts').map((t) => `${f.path} → ${t}`));
  expect(offences).toEqual([]);
});

describe('ESLint enforces the direction while one types', () => {
  const eslint = new ESLint({ cwd: ROOT });
  const cases: Array<[string, string]> = [
    ['metadata/example.ts', "import { startServer } from '../engine/server.ts';"],
    ['metadata/example.ts', "import knex from 'knex';"],
    ['forms/example.ts', "import { physicalSchema } from '../metadata/physical.ts';"],
    ['forms/example.ts', "import { readFileSync } from 'node:fs';"],
    ['ui/src/example.ts', "import { startServer } from '../../engine/server.ts';"],
    ['ui/src/example.ts', "import { labelText } from '../../metadata/model.ts';"],
    ['engine/http/example.ts', "import { App } from '../../ui/src/app/App.tsx';"],
    ['engine/http/example.ts', "import { physicalSchema } from '../../metadata/physical.ts';"],
    ['engine/http/example.ts', "import { connectors } from '../../connectors/index.ts';"],
    ['connectors/example/index.ts', "import { labelText } from '../../metadata/model.ts';"],
    ['connectors/example/index.ts', "import { startServer } from '../../engine/server.ts';"],
  ];
  test.each(cases)('%s: %s is refused', async (filePath, code) => {
    const [result] = await eslint.lintText(`${code}\nexport const used = [${code.match(/import \{? ?(\w+)/)![1]}];\n`, { filePath: join(ROOT, filePath) });
    expect(result!.messages.map((m) => m.ruleId)).toContain('no-restricted-imports');
  });

  test('the allowed imports pass', async () => {
    const [result] = await eslint.lintText("import { labelText } from '../../metadata/browser.ts';\nexport const used = [labelText];\n", { filePath: join(ROOT, 'ui/src/example.ts') });
    expect(result!.messages.filter((m) => m.ruleId === 'no-restricted-imports')).toEqual([]);
  });
});
