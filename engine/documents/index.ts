// Printed documents: templates (metadata kind documentTemplate) rendered to PDF with pdfmake.
export { amountInWords, englishNumber, polishNumber, romanianNumber, MAX_WORDS_AMOUNT, type WordsLanguage } from './amount-words.ts';
export { buildDocument, FONT, type DocDefinition, type LayoutInput, type PdfNode } from './layout.ts';
export { FONT_FILES, renderPdf } from './pdf-render.ts';
export { attachPrintout, findTemplate, MAX_SERIAL_RECORDS, printRecord, printRecords, templatesOf, type AttachedPrintout, type GivenText, type Printing, type Printout } from './print.ts';
