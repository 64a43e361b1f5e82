// Production build sizes of the web app: the JavaScript a browser must download before a page can
// show (the entry chunk and the page's chunk with everything they import statically), gzipped, and
// the lazy BPMN modeler chunk. Target: the list page's initial JS ≤ 250 KB gzip.
//   npm exec -- node bench/ui-size.ts
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildUi } from '../scripts/build-ui.ts';

export const LIST_PAGE_TARGET_KB = 250;

interface ManifestChunk {
  readonly file: string;
  readonly isEntry?: boolean;
  readonly imports?: readonly string[];
  readonly css?: readonly string[];
}
type Manifest = Record<string, ManifestChunk>;

export interface PageSize {
  readonly page: string;
  /** JS files needed before the page shows, and their sizes. */
  readonly files: readonly string[];
  readonly jsBytes: number;
  readonly jsGzipBytes: number;
  readonly cssGzipBytes: number;
}

export interface UiSizes {
  readonly pages: readonly PageSize[];
  /** The list page's initial JS, gzipped, in KB. */
  readonly listPageKb: number;
  /** What opening the modeler adds on top of the entry: the lazy bpmn-js chunk and its imports. */
  readonly modelerLazyKb: number;
  readonly withinTarget: boolean;
}

/** The chunk and its static imports, transitively (manifest keys). */
function closure(manifest: Manifest, key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const imported of manifest[key]?.imports ?? []) closure(manifest, imported, seen);
  return seen;
}

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

/** Builds the web app into a scratch folder and measures it. */
export async function uiSizes(options: { log?: (line: string) => void } = {}): Promise<UiSizes> {
  const log = options.log ?? (() => undefined);
  const outDir = mkdtempSync(join(tmpdir(), 'tessera-ui-size-'));
  try {
    await buildUi({ outDir, quiet: true });
    const manifest = JSON.parse(readFileSync(join(outDir, '.vite/manifest.json'), 'utf8')) as Manifest;
    const size = (file: string) => {
      const content = readFileSync(join(outDir, file));
      return { raw: content.length, gzip: gzipSync(content).length };
    };
    const entryKey = Object.keys(manifest).find((k) => manifest[k]!.isEntry)!;
    const entry = closure(manifest, entryKey);
    const measure = (page: string, keys: Set<string>): PageSize => {
      const chunks = [...keys].map((k) => manifest[k]!).filter(Boolean);
      const files = chunks.map((c) => c.file).filter((f) => f.endsWith('.js'));
      const css = [...new Set(chunks.flatMap((c) => c.css ?? []))];
      const js = files.map(size);
      return { page, files, jsBytes: js.reduce((s, x) => s + x.raw, 0), jsGzipBytes: js.reduce((s, x) => s + x.gzip, 0), cssGzipBytes: css.map(size).reduce((s, x) => s + x.gzip, 0) };
    };
    const pages = Object.keys(manifest)
      .filter((k) => k.startsWith('src/pages/'))
      .sort()
      .map((k) => measure(k.replace(/^src\/pages\/(.*)\.tsx$/, '$1'), closure(manifest, k, new Set(entry))));
    const modelerKey = Object.keys(manifest).find((k) => k.endsWith('ModelerPage.tsx'))!;
    const lazy = [...closure(manifest, modelerKey)].filter((k) => !entry.has(k));
    const modeler = measure('ModelerPage (lazy part)', new Set(lazy));
    const list = pages.find((p) => p.page === 'ListPage')!;
    const result: UiSizes = { pages, listPageKb: kb(list.jsGzipBytes), modelerLazyKb: kb(modeler.jsGzipBytes), withinTarget: kb(list.jsGzipBytes) <= LIST_PAGE_TARGET_KB };
    log('web app (production build), initial JS per page = entry + page chunk + static imports:');
    log(`  ${'page'.padEnd(26)} ${'JS'.padStart(10)} ${'JS gzip'.padStart(10)} ${'CSS gzip'.padStart(10)}`);
    for (const p of [...pages, modeler]) log(`  ${p.page.padEnd(26)} ${`${kb(p.jsBytes)} KB`.padStart(10)} ${`${kb(p.jsGzipBytes)} KB`.padStart(10)} ${`${kb(p.cssGzipBytes)} KB`.padStart(10)}`);
    log(`  list page initial JS: ${result.listPageKb} KB gzip (target ≤ ${LIST_PAGE_TARGET_KB} KB: ${result.withinTarget ? 'met' : 'MISSED'}); lazy bpmn chunk: ${result.modelerLazyKb} KB gzip`);
    return result;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = await uiSizes({ log: (line) => console.log(line) });
  process.exitCode = sizes.withinTarget ? 0 : 1;
}
