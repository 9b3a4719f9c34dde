import fc from 'fast-check';
import { importPlanText, type ReviewItem } from '../../src/plan/importer';
import type { Directory, PlanInput } from '../../src/plan/schema';
import { importMessage } from '../../src/services/plan-import';
import { hostileText, mutations, oversized, planLikeText, zeroWidthSprinkle } from '../support/adversarial';
import { directory, SHIPPED, source } from './support/fixtures';

/** Letters only Vietnamese has (with its diacritics): a message without any is not Vietnamese. */
const VIETNAMESE = /[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]/iu;

/** Lines as the importer counts them (every break it splits on). */
function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n|\u2028|\u2029/).length;
}

const sources = SHIPPED.map(({ id, province }) => ({ id, text: source(id), directory: directory(province) }));

/** What the officer is told about a text: the draft's review list, or the refusal. */
type Outcome = { plan: PlanInput; review: ReviewItem[] } | { refused: Error & { line?: number } };

function importOutcome(text: string, dir?: Directory): Outcome {
  try {
    return importPlanText(text, { fileName: 'draft.txt', directory: dir });
  } catch (err) {
    // Anything but the importer's own refusal is a crash: the property fails with it.
    if ((err as Error).name !== 'ImportError') throw err;
    return { refused: err as Error & { line?: number } };
  }
}

/** Every refusal and review item is located inside the text and said in Vietnamese (NFC). */
function expectLocatedAndClear(text: string, outcome: Outcome): void {
  const lines = lineCount(text);
  const inText = (line: number | undefined) =>
    line === undefined || (Number.isInteger(line) && line >= 1 && line <= lines);
  if ('refused' in outcome) {
    const { refused } = outcome;
    expect(inText(refused.line)).toBe(true);
    const shown = importMessage(refused);
    expect(shown).not.toBe(refused.message);
    expect(shown).toMatch(VIETNAMESE);
    return;
  }
  for (const item of outcome.review) {
    if (!inText(item.line)) throw new Error(`review item outside the text (${lines} lines): ${JSON.stringify(item)}`);
    expect(item.field).not.toBe('');
    for (const part of [item.read, item.assumed, item.check]) expect(part.trim()).not.toBe('');
    expect(item.message).toMatch(/^Đọc được: .* — Đã giả định: .* — Cần kiểm tra: /su);
    expect(item.message).toMatch(VIETNAMESE);
    expect(item.message).toBe(item.message.normalize('NFC'));
  }
  const { plan } = outcome;
  for (const located of [...plan.tasks, ...(plan.deadlines ?? []), ...(plan.duties ?? [])])
    if (!inText(located.line))
      throw new Error(`a draft field outside the text (${lines} lines): ${JSON.stringify(located)}`);
}

const shipped = fc.constantFrom(...sources);

describe('the plan importer on hostile input', () => {
  it('drafts or refuses (located, in Vietnamese) any text of plan words, binary bytes and odd characters, or shaped like a plan', () => {
    fc.assert(
      fc.property(fc.oneof(hostileText(80), planLikeText()), fc.boolean(), shipped, (text, withDirectory, s) => {
        expectLocatedAndClear(text, importOutcome(text, withDirectory ? s.directory : undefined));
      }),
      { numRuns: 400 },
    );
  });

  it('drafts or refuses any mutation of a shipped plan text, every review item on a line of the text', () => {
    fc.assert(
      fc.property(shipped, mutations(5), fc.boolean(), (s, mutate, withDirectory) => {
        const text = mutate(s.text);
        expectLocatedAndClear(text, importOutcome(text, withDirectory ? s.directory : undefined));
      }),
      { numRuns: 150 },
    );
  });

  it('reads the same plan when zero-width spaces, joiners and BOMs are sprinkled anywhere', () => {
    fc.assert(
      fc.property(shipped, zeroWidthSprinkle, (s, sprinkle) => {
        const before = importPlanText(s.text, { fileName: `${s.id}.txt`, directory: s.directory });
        const after = importPlanText(sprinkle(s.text), { fileName: `${s.id}.txt`, directory: s.directory });
        expect(after).toEqual(before);
      }),
      { numRuns: 40 },
    );
  });

  it('reads the same plan, on the same lines, when any stretch is in NFD and lines end in CRLF or CR', () => {
    const layout = fc.tuple(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.constantFrom('\n', '\r\n', '\r'),
    );
    fc.assert(
      fc.property(shipped, layout, (s, [a, b, eol]) => {
        const [i, j] = [Math.floor(Math.min(a, b) * s.text.length), Math.floor(Math.max(a, b) * s.text.length)];
        const text = (s.text.slice(0, i) + s.text.slice(i, j).normalize('NFD') + s.text.slice(j)).replace(
          /\r?\n/g,
          eol,
        );
        const before = importPlanText(s.text, { fileName: `${s.id}.txt`, directory: s.directory });
        expect(importPlanText(text, { fileName: `${s.id}.txt`, directory: s.directory })).toEqual(before);
      }),
      { numRuns: 40 },
    );
  });

  it('handles an oversized paste (a plan repeated to 2 MB, and one 1 MB line) in bounded time', () => {
    const started = Date.now();
    const big = oversized(sources[2].text, 2 * 1024 * 1024);
    expectLocatedAndClear(big, importOutcome(big, sources[2].directory));
    const oneLine = `KẾ HOẠCH\nII. NỘI DUNG\n1. ${oversized('Tuyên truyền thông tin đối ngoại ', 1024 * 1024)}\n`;
    expectLocatedAndClear(oneLine, importOutcome(oneLine));
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it.each([
    ['a lead', (run: string) => `- Cơ quan chủ trì: ${run}x.\n- Thời gian thực hiện: quý I/2025.`],
    ['a time', (run: string) => `- Cơ quan chủ trì: Sở Tài chính.\n- Thời gian thực hiện: ${run}x`],
    ['a title', (run: string) => `${run}x`],
  ])('reads %s written as a 60,000-character run of punctuation or of one word, in linear time', (_, field) => {
    // Trailing punctuation was stripped with `replace(/[\s.;,]+$/, '')`, retried from every position of the run:
    // 40,000 dots in a lead took 20 s to import.
    for (const fill of ['.', ';', ', ', 'Sở ']) {
      const text = `KẾ HOẠCH\nII. NỘI DUNG\n1. Tuyên truyền\n${field(oversized(fill, 60_000))}\n`;
      const started = Date.now();
      expectLocatedAndClear(text, importOutcome(text, sources[0].directory));
      expect(Date.now() - started).toBeLessThan(3_000);
    }
  });

  it('refuses binary files (random bytes, NUL, a UTF-16 file read as UTF-8) as not text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 4096 }), (bytes) => {
        const text = Buffer.from(bytes).toString('utf8');
        const outcome = importOutcome(text);
        expectLocatedAndClear(text, outcome);
      }),
      { numRuns: 100 },
    );
    const utf16 = Buffer.from(sources[0].text, 'utf16le').toString('utf8');
    const outcome = importOutcome(utf16);
    expect('refused' in outcome && outcome.refused.message).toMatch(/^binary/);
  });
});
