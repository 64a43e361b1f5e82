// One PostgreSQL protocol message: its type byte, its length (counting itself) and its body.
export function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const QUERY = 0x51;
const PARSE = 0x50;

/**
 * The SQL text of the first statement among complete messages: a simple Query's, or an extended
 * query's Parse (name, then text); '' when there is none (a Bind of a statement parsed earlier).
 */
export function firstStatementText(messages: readonly Buffer[]): string {
  for (const whole of messages) {
    if (whole[0] === QUERY) return whole.toString('utf8', 5, whole.length - 1);
    if (whole[0] === PARSE) {
      const nameEnd = whole.indexOf(0, 5);
      const textEnd = nameEnd < 0 ? -1 : whole.indexOf(0, nameEnd + 1);
      return textEnd < 0 ? '' : whole.toString('utf8', nameEnd + 1, textEnd);
    }
  }
  return '';
}
