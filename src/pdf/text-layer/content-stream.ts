/**
 * Reading PDF content streams into operations. pdf-lib writes content streams but cannot read
 * them, and no maintained JavaScript library exposes a content-stream parser, so this is the
 * small tokenizer of PDF 2.0 §7.2 and §7.8.2 that the text-layer stage needs. Each operation
 * keeps its source text, so what a stage does not change is written back byte for byte.
 */

export type Operand = number | PdfName | Uint8Array | boolean | null | Operand[] | OperandDict;
export interface PdfName {
  name: string;
}
export interface OperandDict {
  dict: Map<string, Operand>;
}

export interface Operation {
  operator: string;
  operands: Operand[];
  /** The operation as it stands in the stream (latin1), operands and operator. */
  source: string;
}

/** Character classes by char code (latin1): 1 white-space, 2 delimiter, 0 regular. */
const CLASS = new Uint8Array(256);
for (const char of '\0\t\n\f\r ') CLASS[char.charCodeAt(0)] = 1;
for (const char of '()<>[]{}/%') CLASS[char.charCodeAt(0)] = 2;
const classOf = (text: string, position: number): number => CLASS[text.charCodeAt(position) & 0xff] ?? 0;
const PERCENT = 0x25;

/** Whether a token is a number as PDF writes them: `[+-]`, digits, at most one point, no exponent. */
function isNumber(word: string): boolean {
  let index = word.charCodeAt(0) === 0x2b || word.charCodeAt(0) === 0x2d ? 1 : 0;
  let digits = 0;
  let points = 0;
  for (; index < word.length; index++) {
    const code = word.charCodeAt(index);
    if (code >= 0x30 && code <= 0x39) digits++;
    else if (code === 0x2e && points === 0) points++;
    else return false;
  }
  return digits > 0;
}

/** The bytes of a hex string's digits (white space skipped; an odd last digit is padded with 0). */
function hexBytes(text: string, from: number, to: number): Uint8Array {
  const nibbles: number[] = [];
  for (let index = from; index < to; index++) {
    const code = text.charCodeAt(index);
    if (CLASS[code & 0xff] === 1) continue;
    const value = code <= 0x39 ? code - 0x30 : (code | 0x20) - 0x57;
    nibbles.push(value >= 0 && value < 16 ? value : 0);
  }
  if (nibbles.length % 2) nibbles.push(0);
  const bytes = new Uint8Array(nibbles.length / 2);
  for (let index = 0; index < bytes.length; index++)
    bytes[index] = ((nibbles[2 * index] ?? 0) << 4) | (nibbles[2 * index + 1] ?? 0);
  return bytes;
}

/** Splits a content stream (bytes as a latin1 string) into operations. */
export function parseContentStream(text: string): Operation[] {
  const operations: Operation[] = [];
  let position = 0;
  let operands: Operand[] = [];
  let start = -1;

  const skipSpace = (): void => {
    while (position < text.length) {
      const code = text.charCodeAt(position);
      if (CLASS[code & 0xff] === 1) position++;
      else if (code === PERCENT)
        while (position < text.length && text[position] !== '\n' && text[position] !== '\r') position++;
      else break;
    }
  };

  const regularRun = (): string => {
    const from = position;
    while (position < text.length && classOf(text, position) === 0) position++;
    return text.slice(from, position);
  };

  const readObject = (): Operand | { keyword: string } => {
    const char = text[position];
    if (char === '/') {
      position++;
      const name = regularRun();
      return {
        name: name.includes('#')
          ? name.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
          : name,
      };
    }
    if (char === '(') return readLiteralString();
    if (char === '<' && text[position + 1] === '<') {
      position += 2;
      const dict = new Map<string, Operand>();
      for (;;) {
        skipSpace();
        if (text.startsWith('>>', position)) {
          position += 2;
          return { dict };
        }
        const key = readObject();
        skipSpace();
        const value = readObject();
        if (!isName(key) || isKeyword(value)) throw new SyntaxError(`bad dictionary in content stream at ${position}`);
        dict.set(key.name, value);
      }
    }
    if (char === '<') {
      const end = text.indexOf('>', position);
      if (end < 0) throw new SyntaxError('unterminated hex string in content stream');
      const bytes = hexBytes(text, position + 1, end);
      position = end + 1;
      return bytes;
    }
    if (char === '[') {
      position++;
      const items: Operand[] = [];
      for (;;) {
        skipSpace();
        if (text[position] === ']') {
          position++;
          return items;
        }
        if (position >= text.length) throw new SyntaxError('unterminated array in content stream');
        const item = readObject();
        if (isKeyword(item)) throw new SyntaxError(`operator ${item.keyword} inside an array`);
        items.push(item);
      }
    }
    const word = regularRun();
    if (word === '') throw new SyntaxError(`unexpected ${JSON.stringify(char)} in content stream at ${position}`);
    if (isNumber(word)) return Number(word);
    if (word === 'true' || word === 'false') return word === 'true';
    if (word === 'null') return null;
    return { keyword: word };
  };

  const readLiteralString = (): Uint8Array => {
    position++;
    const bytes: number[] = [];
    let depth = 1;
    while (position < text.length) {
      const char = text[position++] ?? '';
      if (char === '\\') {
        const next = text[position++] ?? '';
        const escapes: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12, '(': 40, ')': 41, '\\': 92 };
        if (next in escapes) bytes.push(escapes[next] ?? 0);
        else if (/[0-7]/.test(next)) {
          let octal = next;
          while (octal.length < 3 && /[0-7]/.test(text[position] ?? '')) octal += text[position++];
          bytes.push(parseInt(octal, 8) & 0xff);
        } else if (next === '\r') {
          if (text[position] === '\n') position++;
        } else if (next !== '\n') bytes.push(next.charCodeAt(0));
      } else if (char === '(') {
        depth++;
        bytes.push(40);
      } else if (char === ')') {
        if (--depth === 0) return Uint8Array.from(bytes);
        bytes.push(41);
      } else bytes.push(char.charCodeAt(0));
    }
    throw new SyntaxError('unterminated string in content stream');
  };

  for (;;) {
    skipSpace();
    if (position >= text.length) break;
    if (start < 0) start = position;
    const object = readObject();
    if (!isKeyword(object)) {
      operands.push(object);
      continue;
    }
    if (object.keyword === 'BI') {
      // An inline image: its data is binary up to `EI` standing alone.
      const end = /\sEI(?=[\s]|$)/g;
      end.lastIndex = text.indexOf('ID', position) + 3;
      const match = end.exec(text);
      if (!match) throw new SyntaxError('unterminated inline image in content stream');
      position = match.index + match[0].length;
    }
    operations.push({ operator: object.keyword, operands, source: text.slice(start, position) });
    operands = [];
    start = -1;
  }
  if (operands.length > 0) throw new SyntaxError('operands without an operator at the end of a content stream');
  return operations;
}

function isKeyword(value: Operand | { keyword: string }): value is { keyword: string } {
  return typeof value === 'object' && value !== null && 'keyword' in value;
}

export function isName(value: Operand | { keyword: string } | undefined): value is PdfName {
  return typeof value === 'object' && value !== null && 'name' in value;
}

export function isDict(value: Operand | undefined): value is OperandDict {
  return typeof value === 'object' && value !== null && 'dict' in value;
}

/** A number as content streams write it: no exponent, at most six decimals. */
export function formatNumber(value: number): string {
  const fixed = value.toFixed(6).replace(/\.?0+$/, '');
  return fixed === '-0' ? '0' : fixed;
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

export function hexString(bytes: Iterable<number>): string {
  let text = '<';
  for (const byte of bytes) text += HEX[byte & 0xff];
  return `${text}>`;
}
