// Renders a pdfmake document definition to PDF bytes on the server. The fonts are Roboto as shipped
// in the pdfmake package (it carries Polish ąćęłńóśźż and Romanian ăâîșț, U+0219/U+021B included),
// read once and embedded (subset) in every PDF; nothing is fetched at render time: documents may not
// name URLs or local files (both access policies refuse everything).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { FONT, type DocDefinition } from './layout.ts';

interface PdfmakeDocument {
  getBuffer(): Promise<Buffer>;
}

type FontStyle = 'normal' | 'bold' | 'italics' | 'bolditalics';

interface Pdfmake {
  readonly virtualfs: { writeFileSync(name: string, content: Buffer): void };
  setFonts(fonts: Readonly<Record<string, Readonly<Record<FontStyle, string>>>>): void;
  setUrlAccessPolicy(policy: (url: string) => boolean): void;
  setLocalAccessPolicy(policy: (path: string) => boolean): void;
  createPdf(definition: unknown, options?: Readonly<Record<string, unknown>>): PdfmakeDocument;
}

const require = createRequire(import.meta.url);

/** The font files embedded in printouts (from the pdfmake npm package). */
export const FONT_FILES = {
  normal: 'pdfmake/fonts/Roboto/Roboto-Regular.ttf',
  bold: 'pdfmake/fonts/Roboto/Roboto-Medium.ttf',
  italics: 'pdfmake/fonts/Roboto/Roboto-Italic.ttf',
  bolditalics: 'pdfmake/fonts/Roboto/Roboto-MediumItalic.ttf',
} as const;

let instance: Pdfmake | undefined;

function pdfmake(): Pdfmake {
  if (instance) return instance;
  const loaded = require('pdfmake') as Pdfmake;
  // Read once into pdfmake's in-memory file system; the font descriptors name those entries.
  const fonts = {} as Record<FontStyle, string>;
  for (const [style, path] of Object.entries(FONT_FILES) as [FontStyle, string][]) {
    const name = `${FONT}-${style}.ttf`;
    loaded.virtualfs.writeFileSync(name, readFileSync(require.resolve(path)));
    fonts[style] = name;
  }
  loaded.setFonts({ [FONT]: fonts });
  loaded.setUrlAccessPolicy(() => false);
  loaded.setLocalAccessPolicy(() => false);
  instance = loaded;
  return loaded;
}

/** PDF bytes of a document definition (buildDocument's, or any pdfmake definition using FONT). */
export async function renderPdf(definition: DocDefinition | Readonly<Record<string, unknown>>): Promise<Buffer> {
  return pdfmake().createPdf(definition).getBuffer();
}
