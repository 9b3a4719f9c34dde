import fc from 'fast-check';
import { describeRule, parseExpression, parseReportKind } from '../../src/deadlines/expression';
import { ruleSchema, type Rule } from '../../src/deadlines/rule';
import { stripDiacritics } from '../../src/text/diacritics';
import {
  BIDI,
  hostileChar,
  hostileExpression,
  hostileText,
  insertAt,
  ODD_SPACES,
  oversized,
} from '../support/adversarial';

const VIETNAMESE = /[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]/iu;

/** Expressions the shipped plans and the README use. */
const KNOWN = [
  'trước ngày 15/5',
  'trước ngày 15/11 hằng năm',
  'trước ngày 10/4/2019',
  'ngày 05 tháng 01 năm 2026',
  'quý I/2025',
  'trong quý IV năm 2026',
  'Tháng 6 năm 2019',
  'Năm 2025',
  '6 tháng đầu năm 2025',
  'Giai đoạn 2024 - 2025',
  'từ năm 2021 đến năm 2025',
  'hằng năm',
  'hằng quý',
  'Thường xuyên',
  'đột xuất (theo yêu cầu)',
] as const;

/** What parsing gave: a rule, or the refusal (anything but `ExpressionError` escapes and fails the property). */
function parse(text: string): { rule: Rule } | { refused: Error & { text: string } } {
  try {
    return { rule: parseExpression(text) };
  } catch (err) {
    if ((err as Error).name !== 'ExpressionError') throw err;
    return { refused: err as Error & { text: string } };
  }
}

/** A rule is a valid rule; a refusal quotes the expression as given (NFC, spaces collapsed) and says why in Vietnamese. */
function expectRuleOrClearRefusal(text: string): void {
  const outcome = parse(text);
  if ('rule' in outcome) {
    expect(ruleSchema.safeParse(outcome.rule).success).toBe(true);
    return;
  }
  const shown = text.normalize('NFC').replace(/\s+/g, ' ').trim();
  expect(outcome.refused.text).toBe(shown);
  expect(outcome.refused.message).toContain(`"${shown}"`);
  expect(outcome.refused.message).toMatch(VIETNAMESE);
  expect(outcome.refused.message).toMatch(/\(.*(invalid|unknown) time expression/su);
}

const year = fc.integer({ min: 1900, max: 2200 });
/** Every kind of rule, within the years the parser accepts. */
const ruleArb: fc.Arbitrary<Rule> = fc.oneof(
  fc
    .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }))
    .filter(([m, d]) => d <= [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1])
    .map(([month, day]): Rule => ({ type: 'annual', month, day })),
  fc
    .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d): Rule => ({ type: 'date', date: d.toISOString().slice(0, 10) })),
  fc.record({ type: fc.constant('quarter' as const), year, quarter: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ type: fc.constant('month' as const), year, month: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ type: fc.constant('half' as const), year, half: fc.constantFrom(1 as const, 2 as const) }),
  fc.record({ type: fc.constant('year' as const), year }),
  fc.tuple(year, year).map(([a, b]): Rule => ({ type: 'range', fromYear: Math.min(a, b), toYear: Math.max(a, b) })),
  fc.record({
    type: fc.constant('every' as const),
    unit: fc.constantFrom('month' as const, 'quarter' as const, 'year' as const),
  }),
  fc.constant<Rule>({ type: 'ongoing' }),
  fc.constant<Rule>({ type: 'on-request' }),
);

/** Ways of writing the same expression: NFD, capitals, no diacritics, odd spaces, "hàng" for "hằng", a final period. */
const sameMeaning = fc.constantFrom<[string, (t: string) => string]>(
  ['NFD', (t) => t.normalize('NFD')],
  ['upper case', (t) => t.toUpperCase()],
  ['lower case', (t) => t.toLowerCase()],
  ['without diacritics', (t) => stripDiacritics(t)],
  ['odd spaces', (t) => t.replace(/ /g, ODD_SPACES[0]).replace(/\//g, ' / ')],
  ['line breaks', (t) => t.replace(/ /g, '\r\n')],
  ['a final period', (t) => `${t}.`],
  ['spaces around', (t) => `  ${t}\t `],
  ['hàng for hằng', (t) => t.replace(/hằng/giu, 'hàng')],
);

describe('the time-expression parser on hostile input', () => {
  it('gives a valid rule or a refusal that quotes the expression, for any text', () => {
    fc.assert(
      fc.property(
        fc.oneof(hostileText(12), hostileExpression, fc.string({ unit: 'binary', maxLength: 60 })),
        (text) => {
          expectRuleOrClearRefusal(text);
          parseReportKind(text);
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it('gives a valid rule or a clear refusal for every known expression with a hostile character inserted anywhere', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...KNOWN),
        fc.array(fc.tuple(fc.nat(), hostileChar), { maxLength: 3 }),
        (e, spots) => {
          expectRuleOrClearRefusal(spots.reduce<string>((t, [at, ch]) => insertAt(t, at % (t.length + 1), ch), e));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('reads back every rule from its Vietnamese description, however it is written', () => {
    fc.assert(
      fc.property(ruleArb, sameMeaning, (rule, [, rewrite]) => {
        expect(parseExpression(rewrite(describeRule(rule)))).toEqual(rule);
      }),
      { numRuns: 2_000 },
    );
  });

  it('takes a day/month/year exactly when the calendar has it, and otherwise says which part is wrong', () => {
    const parts = fc.tuple(
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 13 }),
      fc.oneof(fc.integer({ min: 1890, max: 2210 }), fc.integer({ min: 0, max: 99_999 })),
    );
    fc.assert(
      fc.property(parts, ([d, m, y]) => {
        const outcome = parse(`trước ngày ${d}/${m}/${y}`);
        const date = new Date(Date.UTC(y, m - 1, d));
        const exists = m >= 1 && m <= 12 && date.getUTCDate() === d && date.getUTCMonth() === m - 1;
        const inRange = String(y).length === 4 && y >= 1900 && y <= 2200;
        if (exists && inRange) {
          expect(outcome).toEqual({
            rule: { type: 'date', date: `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` },
          });
          return;
        }
        if (!('refused' in outcome)) throw new Error(`accepted ${d}/${m}/${y}: ${JSON.stringify(outcome)}`);
        const message = outcome.refused.message;
        if (String(y).length !== 4) expect(message).toMatch(/^Không hiểu biểu thức thời gian/u);
        else if (!inRange) expect(message).toContain(`năm ${y} nằm ngoài 1900–2200`);
        else if (m < 1 || m > 12) expect(message).toContain(`tháng ${m} không tồn tại`);
        else expect(message).toContain(`không có ngày ${d}`);
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses an oversized expression (runs of punctuation, spaces, RTL marks) in time linear in its length', () => {
    // A run of trailing punctuation used to be stripped by a regular expression that backtracks on every position:
    // 40,000 dots before a letter took about 10 s.
    for (const text of [
      `${oversized('.', 60_000)}x`,
      `${oversized('. ', 60_000)}x`,
      `Năm 2025${oversized(';,:!', 60_000)}x`,
      `${oversized('./.', 60_000)}x`,
      `${oversized(BIDI[7], 60_000)}quý I/2025`,
      oversized('trước ', 60_000),
    ]) {
      const started = Date.now();
      expectRuleOrClearRefusal(text);
      expect(Date.now() - started).toBeLessThan(2_000);
    }
  });

  it('still strips final punctuation: "Năm 2025.;: ./." is the year 2025', () => {
    expect(parseExpression('Năm 2025.;: ./.')).toEqual({ type: 'year', year: 2025 });
    expect(parseExpression('quý I/2025 ./. ')).toEqual({ type: 'quarter', year: 2025, quarter: 1 });
  });
});
