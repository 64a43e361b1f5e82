// The text of a PDF as a reader sees it, by pdftotext (Debian's poppler-utils, installed by .ci/run):
// tests that read it skip, saying why, only where it is absent.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PDFTOTEXT = '/usr/bin/pdftotext';
export const hasPdftotext = existsSync(PDFTOTEXT);
if (!hasPdftotext) console.warn(`${PDFTOTEXT} is missing (Debian package poppler-utils): the tests reading a PDF's text are skipped`);

/** `test`, or `test.skip` where pdftotext is missing. */
export const withPdfText = hasPdftotext ? test : test.skip;

const raw = (pdf: Buffer): string => execFileSync(PDFTOTEXT, ['-raw', '-enc', 'UTF-8', '-', '-'], { input: pdf }).toString('utf8');

/** The whole text in content order (a table cell's wrapped words stay together), white space made single. */
export const pdfText = (pdf: Buffer): string => raw(pdf).replace(/\s+/g, ' ');

/** The text of each page (pdftotext separates pages by form feeds), white space made single. */
export const pdfPages = (pdf: Buffer): string[] =>
  raw(pdf)
    .split('\f')
    .filter((p) => p.trim())
    .map((p) => p.replace(/\s+/g, ' '));
