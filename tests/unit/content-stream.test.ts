import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatNumber,
  hexString,
  isDict,
  isName,
  parseContentStream,
  type Operand,
} from '../../src/pdf/text-layer/content-stream.ts';

/** Operands as a content stream writes them, with the value the tokenizer must read back. */
const operand: fc.Arbitrary<{ text: string; value: Operand }> = fc.letrec<{
  operand: { text: string; value: Operand };
}>((tie) => ({
  operand: fc.oneof(
    { depthSize: 'small' },
    fc.integer({ min: -100_000, max: 100_000 }).map((n) => ({ text: String(n), value: n })),
    fc
      .double({ min: -1000, max: 1000, noNaN: true })
      .map((n) => formatNumber(n))
      .map((text) => ({ text, value: Number(text) })),
    fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,8}$/).map((name) => ({ text: `/${name}`, value: { name } })),
    fc.uint8Array({ maxLength: 12 }).map((bytes) => ({ text: hexString(bytes), value: bytes })),
    fc.constantFrom({ text: 'true', value: true }, { text: 'false', value: false }, { text: 'null', value: null }),
    fc.array(tie('operand'), { maxLength: 4 }).map((items) => ({
      text: `[${items.map((item) => item.text).join(' ')}]`,
      value: items.map((item) => item.value),
    })),
  ),
})).operand;

const operation = fc.record({
  operator: fc.constantFrom('Tj', 'TJ', 'Tf', 'Td', 'Tm', 'cm', 're', 'BDC', 'g', 'rg'),
  operands: fc.array(operand, { maxLength: 5 }),
});

const written = (ops: { operator: string; operands: { text: string }[] }[], space: string) =>
  ops.map(({ operator, operands }) => [...operands.map((each) => each.text), operator].join(space)).join('\n');

describe('the content-stream tokenizer (PDF 2.0 §7.2, §7.8.2)', () => {
  it('reads back every operator and operand it is given, whatever the spacing', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 12 }), fc.constantFrom(' ', '\n', ' \t ', '\r\n'), (ops, space) => {
        const parsed = parseContentStream(written(ops, space));
        expect(parsed.map((each) => each.operator)).toEqual(ops.map((each) => each.operator));
        expect(parsed.map((each) => each.operands)).toEqual(ops.map((each) => each.operands.map((o) => o.value)));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps each operation’s source, so the sources joined read back the same operations', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 12 }), (ops) => {
        const parsed = parseContentStream(written(ops, ' '));
        const again = parseContentStream(parsed.map((each) => each.source).join('\n'));
        expect(again.map(({ operator, operands }) => ({ operator, operands }))).toEqual(
          parsed.map(({ operator, operands }) => ({ operator, operands })),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('reads literal strings with escapes and nesting, dictionaries, and skips comments', () => {
    const [show, marked] = parseContentStream(
      '% a comment\n(a\\(b\\) (c) \\101) Tj\n/Span << /ActualText <FEFF0915> >> BDC',
    );
    expect(show?.operator).toBe('Tj');
    expect(Buffer.from(show?.operands[0] as Uint8Array).toString('latin1')).toBe('a(b) (c) A');
    expect(marked?.operator).toBe('BDC');
    expect(isName(marked?.operands[0])).toBe(true);
    const properties = marked?.operands[1];
    expect(isDict(properties) && [...(properties.dict.get('ActualText') as Uint8Array)]).toEqual([
      0xfe, 0xff, 0x09, 0x15,
    ]);
  });

  it('writes numbers without exponents or trailing zeros, and -0 as 0', () => {
    expect([1e-7, -0.0000001, 12.5, 3, 1 / 3, 1e21 / 1e15].map(formatNumber)).toEqual([
      '0',
      '0',
      '12.5',
      '3',
      '0.333333',
      '1000000',
    ]);
    expect(hexString([0, 0x0f, 0xff])).toBe('<000fff>');
  });
});
