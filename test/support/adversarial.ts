import fc from 'fast-check';

/**
 * fast-check arbitraries of hostile text, shared by the property tests of the importer, the plan validator and the
 * time-expression parser: the characters and shapes that break parsers written for clean Vietnamese prose.
 */

/** Invisible characters people paste from Word and web pages: zero-width space/joiners, word joiner, BOM. */
export const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff'] as const;

/** Bidirectional marks, embeddings, overrides (U+202E reverses the text shown) and isolates. */
export const BIDI = [
  '\u200e',
  '\u200f',
  '\u061c',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
] as const;

/** Line and paragraph breaks of every kind. */
export const BREAKS = ['\n', '\r\n', '\r', '\u2028', '\u2029', '\u0085', '\u000b', '\u000c'] as const;

/** Combining marks that NFD splits Vietnamese letters into (acute, grave, hook, tilde, dot below, circumflex, breve, horn). */
export const COMBINING = ['\u0301', '\u0300', '\u0309', '\u0303', '\u0323', '\u0302', '\u0306', '\u031b'] as const;

/** Spaces that are not U+0020. */
export const ODD_SPACES = ['\u00a0', '\u2007', '\u202f', '\u3000', '\t', '\u2003'] as const;

/** One UTF-16 code unit of a surrogate half, alone (not valid Unicode text: what a cut string or a bad decoder leaves). */
export const loneSurrogate: fc.Arbitrary<string> = fc
  .integer({ min: 0xd800, max: 0xdfff })
  .map((code) => String.fromCharCode(code));

/** A C0 control character or DEL (NUL included), or the replacement character a wrong decoding leaves. */
export const controlChar: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code)),
  fc.constantFrom('\u007f', '\ufffd', '\u0080', '\u009f'),
);

/** One hostile character (or short sequence). */
export const hostileChar: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...ZERO_WIDTH, ...BIDI, ...BREAKS, ...COMBINING, ...ODD_SPACES),
  loneSurrogate,
  controlChar,
  // Astral characters (emoji, CJK extension B): two code units each.
  fc.constantFrom('😀', '𠀀', '👩‍💻', '🇻🇳'),
);

/** Vietnamese words and plan vocabulary, so that mutated text still looks like a plan to the parsers. */
const WORDS = [
  'KẾ HOẠCH',
  'Số:',
  '/KH-UBND',
  'ỦY BAN NHÂN DÂN',
  'TỈNH',
  'I. MỤC ĐÍCH, YÊU CẦU',
  'II. NỘI DUNG',
  'III. TỔ CHỨC THỰC HIỆN',
  'NHIỆM VỤ',
  'Cơ quan chủ trì:',
  'Cơ quan phối hợp:',
  'Thời gian thực hiện:',
  'Sở Thông tin và Truyền thông',
  'Sở Tài chính',
  'các Sở, ban, ngành',
  'UBND các huyện, thành phố',
  'trước ngày 15/5',
  'quý I/2025',
  'hằng năm',
  'Thường xuyên',
  'báo cáo 6 tháng',
  'đột xuất (theo yêu cầu)',
  'a)',
  'b)',
  '1.',
  '2.4.1.',
  '|',
  '**',
  '#',
  '-',
  'Nơi nhận:',
  'KT. CHỦ TỊCH',
] as const;

/** A short piece of text: plan vocabulary, arbitrary Unicode, binary bytes read as Latin-1, or a hostile character. */
export const hostileFragment: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 2, arbitrary: hostileChar },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString('latin1')) },
  { weight: 1, arbitrary: fc.integer({ min: -99999, max: 99999 }).map(String) },
);

/** A text made of hostile fragments, joined by spaces and line breaks of every kind. */
export function hostileText(maxFragments = 40): fc.Arbitrary<string> {
  return fc
    .array(fc.tuple(hostileFragment, fc.constantFrom(' ', '', ...BREAKS)), { maxLength: maxFragments })
    .map((parts) => parts.map(([text, sep]) => text + sep).join(''));
}

/** A time expression with hostile characters in it, or arbitrary text where one is expected. */
export const hostileExpression: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('trước ngày 15/5', 'quý I/2025', 'hằng năm', 'Năm 2025', 'Giai đoạn 2024 - 2025', 'Thường xuyên'),
      hostileChar,
      fc.nat(),
    )
    .map(([e, ch, i]) => insertAt(e, i % (e.length + 1), ch)),
  fc
    .tuple(fc.integer({ min: -5, max: 40 }), fc.integer({ min: -1, max: 14 }), fc.integer({ min: 0, max: 99999 }))
    .map(([d, m, y]) => `trước ngày ${d}/${m}/${y}`),
  hostileText(4),
);

/**
 * A text shaped like a plan (heading, sections, numbered and lettered tasks with lead, coordinators and time) whose
 * every part may be hostile: so that the importer gets past "not a plan" and into its parsers.
 */
export function planLikeText(maxTasks = 8): fc.Arbitrary<string> {
  const label = fc.oneof(
    fc.integer({ min: 0, max: 30 }).map((n) => `${n}.`),
    fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 })).map(([a, b]) => `${a}.${b}.`),
    fc.constantFrom('a)', 'b)', 'đ)', 'IV.', '-', '+', '•'),
  );
  const task = fc
    .tuple(
      label,
      hostileText(6),
      fc.option(hostileAgencyName, { nil: undefined }),
      fc.option(hostileAgencyName, { nil: undefined }),
      fc.option(hostileExpression, { nil: undefined }),
      fc.constantFrom(...BREAKS),
    )
    .map(([l, title, lead, coordinators, time, eol]) =>
      [
        `${l} ${title}`,
        ...(lead === undefined ? [] : [`- Cơ quan chủ trì: ${lead}.`]),
        ...(coordinators === undefined ? [] : [`- Cơ quan phối hợp: ${coordinators}.`]),
        ...(time === undefined ? [] : [`- Thời gian thực hiện: ${time}.`]),
      ].join(eol),
    );
  return fc
    .tuple(
      fc.constantFrom('ỦY BAN NHÂN DÂN\nTỈNH ĐẮK NÔNG\nSố: 12/KH-UBND\n', '', '\ufeff', 'UBND TỈNH \u202eX\n'),
      fc.constantFrom('KẾ HOẠCH\nThông tin đối ngoại năm 2025\n', 'KẾ HOẠCH\n', 'KẾ HOẠCH'.normalize('NFD') + '\r\n'),
      fc.constantFrom('II. NỘI DUNG', 'NHIỆM VỤ', 'II. NHIỆM VỤ VÀ GIẢI PHÁP', ''),
      fc.array(task, { minLength: 1, maxLength: maxTasks }),
      fc.option(
        fc
          .tuple(hostileAgencyName, hostileExpression)
          .map(([a, e]) => `III. TỔ CHỨC THỰC HIỆN\n1. ${a} là cơ quan đầu mối, báo cáo UBND tỉnh ${e}.`),
        { nil: undefined },
      ),
    )
    .map(([head, title, section, tasks, organization]) =>
      [head + title, section, ...tasks, organization ?? ''].join('\n'),
    );
}

/** A very long agency name: a real name followed by hundreds to thousands of words, or one word repeated. */
export const longAgencyName: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('Sở Tài chính', 'Ủy ban nhân dân huyện', 'Ban Quản lý', 'Sở'),
    fc.constantFrom(' và Truyền thông', ' Khoa học', 'x', ' Đắk Nông', '\u202e lật ngược'),
    fc.integer({ min: 200, max: 2_000 }),
  )
  .map(([head, word, times]) => head + word.repeat(times));

/** An agency name with something hostile inside it: zero-width, RTL override, NFD, CRLF, control bytes, or very long. */
export const hostileAgencyName: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.constantFrom('Sở Tài chính', 'Sở Thông tin và Truyền thông', 'Công an tỉnh'), hostileChar, fc.nat())
    .map(([name, ch, at]) => insertAt(name, at % (name.length + 1), ch)),
  fc.constantFrom('Sở Tài chính', 'Ủy ban nhân dân tỉnh').map((n) => n.normalize('NFD')),
  fc.constant('Sở Tài\r\nchính'),
  fc.constant('\u202eSở Tài chính\u202c'),
  longAgencyName,
  hostileText(6),
);

/** `text` with `insertion` put at `at` (clamped to the text). */
export function insertAt(text: string, at: number, insertion: string): string {
  const i = Math.max(0, Math.min(text.length, at));
  return text.slice(0, i) + insertion + text.slice(i);
}

/** A change to a text: insertions of hostile characters, cuts, duplicated or swapped lines, NFD, CRLF, truncation. */
export type TextMutation = (text: string) => string;

const position = fc.double({ min: 0, max: 1, noNaN: true });
const at = (text: string, p: number) => Math.floor(p * text.length);

/** One random mutation of a text, with a description for the counter-example fast-check prints. */
export const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc
    .tuple(position, hostileFragment)
    .map(([p, s]) => named(`insert ${JSON.stringify(s)} at ${p}`, (t) => insertAt(t, at(t, p), s))),
  fc
    .tuple(position, fc.integer({ min: 1, max: 400 }))
    .map(([p, n]) => named(`delete ${n} at ${p}`, (t) => t.slice(0, at(t, p)) + t.slice(at(t, p) + n))),
  fc
    .tuple(position, fc.integer({ min: 1, max: 2_000 }))
    .map(([p, n]) => named(`duplicate ${n} at ${p}`, (t) => insertAt(t, at(t, p), t.slice(at(t, p), at(t, p) + n)))),
  fc.tuple(position, position).map(([a, b]) =>
    named(`swap lines ${a} ${b}`, (t) => {
      const lines = t.split('\n');
      const [i, j] = [Math.floor(a * lines.length), Math.floor(b * lines.length)];
      [lines[i], lines[j]] = [lines[j], lines[i]];
      return lines.join('\n');
    }),
  ),
  position.map((p) => named(`truncate at ${p}`, (t) => t.slice(0, at(t, p)))),
  fc.tuple(position, position).map(([a, b]) =>
    named(`NFD from ${a} to ${b}`, (t) => {
      const [i, j] = [at(t, Math.min(a, b)), at(t, Math.max(a, b))];
      return t.slice(0, i) + t.slice(i, j).normalize('NFD') + t.slice(j);
    }),
  ),
  fc.constant(named('CRLF', (t) => t.replace(/\r?\n/g, '\r\n'))),
  fc.constant(named('CR only', (t) => t.replace(/\r?\n/g, '\r'))),
  fc.tuple(position, position).map(([a, b]) =>
    named(`RTL override from ${a} to ${b}`, (t) => {
      const [i, j] = [at(t, Math.min(a, b)), at(t, Math.max(a, b))];
      return `${t.slice(0, i)}\u202e${t.slice(i, j)}\u202c${t.slice(j)}`;
    }),
  ),
  fc
    .tuple(position, longAgencyName)
    .map(([p, name]) =>
      named(`long agency name at ${p}`, (t) => insertAt(t, at(t, p), ` Cơ quan chủ trì: ${name}.\n`)),
    ),
  fc.tuple(position, fc.integer({ min: 0, max: 9 })).map(([p, d]) =>
    named(`digit ${d} after ${p}`, (t) => {
      const i = t.slice(at(t, p)).search(/\d/);
      return i < 0 ? t : `${t.slice(0, at(t, p) + i)}${d}${t.slice(at(t, p) + i + 1)}`;
    }),
  ),
);

/** Several mutations applied in turn. */
export function mutations(max = 4): fc.Arbitrary<TextMutation> {
  return fc
    .array(textMutation, { minLength: 1, maxLength: max })
    .map((list) => named(list.map(String).join(', '), (t) => list.reduce((text, m) => m(text), t)));
}

/** Zero-width characters sprinkled into a text at random places (they carry no meaning for a reader). */
export const zeroWidthSprinkle: fc.Arbitrary<TextMutation> = fc
  .array(fc.tuple(position, fc.constantFrom(...ZERO_WIDTH)), { minLength: 1, maxLength: 30 })
  .map((spots) =>
    named(`zero-width at ${spots.map(([p]) => p.toFixed(3)).join(' ')}`, (t) =>
      spots.reduce((text, [p, ch]) => insertAt(text, at(text, p), ch), t),
    ),
  );

/** A text of at least `bytes` UTF-16 code units made by repeating `seed` (an oversized upload or paste). */
export function oversized(seed: string, bytes: number): string {
  return seed.repeat(Math.ceil(bytes / Math.max(seed.length, 1)));
}

function named(name: string, fn: TextMutation): TextMutation {
  // fast-check prints a counter-example's functions with this method.
  return Object.assign(fn, { toString: () => name, [fc.toStringMethod]: () => name });
}
