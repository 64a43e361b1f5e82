// CSV text → rows of cells: RFC 4180 quoting ("" inside quotes, line breaks in quoted cells), CRLF or
// LF, any one-character delimiter. The delimiter is detected as the candidate that splits the first
// lines into the same number of cells most often (Polish Excel saves ";", others "," or tabs). Pure.

export const DELIMITERS: readonly string[] = [';', ',', '\t', '|'];

/** Rows of cells; a cell keeps its spaces, fully empty lines are dropped. */
export function parseCsv(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  const n = text.length;
  const endRow = () => {
    row.push(cell);
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
    cell = '';
  };
  while (i < n) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else cell += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === delimiter) {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      endRow();
      i += 1;
    } else if (ch === '\n' || ch === '\r') endRow();
    else cell += ch;
    i += 1;
  }
  if (cell !== '' || row.length > 0) endRow();
  return rows;
}

/** The delimiter of the text: the candidate that gives the first lines a constant cell count > 1 most often. */
export function detectDelimiter(text: string): string {
  const sample = text.slice(0, 64 * 1024);
  let best = ',';
  let bestScore = 0;
  for (const candidate of DELIMITERS) {
    const rows = parseCsv(sample, candidate).slice(0, 20);
    if (rows.length === 0) continue;
    const width = rows[0]!.length;
    if (width < 2) continue;
    const score = rows.filter((r) => r.length === width).length * 1000 + width;
    if (score > bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  return best;
}
