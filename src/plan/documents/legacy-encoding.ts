/**
 * Vietnamese text typed in the legacy 8-bit encodings, TCVN3 (ABC, fonts .VnTime…) and VNI (VNI-Times…), that old
 * .doc files carry into .docx and text exports: the font drew Vietnamese letters from Latin-1 code points, so the
 * text reads "KÕ ho¹ch" (TCVN3) or "Keá hoaïch" (VNI). Both are recognised and converted to Unicode, word by word.
 */

/** TCVN3 code point → Unicode letter (TCVN 5712:1993, VN3: one byte per letter, tones in the order ` ? ~ ' .). */
const TCVN3: Record<string, string> = {};
{
  const rows: [string, string][] = [
    ['\u00a1\u00a2\u00a3\u00a4\u00a5\u00a6\u00a7', 'ĂÂÊÔƠƯĐ'],
    ['\u00a8\u00a9\u00aa\u00ab\u00ac\u00ad\u00ae', 'ăâêôơưđ'],
    ['\u00b5\u00b6\u00b7\u00b8\u00b9', 'àảãáạ'],
    ['\u00bb\u00bc\u00bd\u00be\u00c6', 'ằẳẵắặ'],
    ['\u00c7\u00c8\u00c9\u00ca\u00cb', 'ầẩẫấậ'],
    ['\u00cc\u00ce\u00cf\u00d0\u00d1', 'èẻẽéẹ'],
    ['\u00d2\u00d3\u00d4\u00d5\u00d6', 'ềểễếệ'],
    ['\u00d7\u00d8\u00dc\u00dd\u00de', 'ìỉĩíị'],
    ['\u00df\u00e1\u00e2\u00e3\u00e4', 'òỏõóọ'],
    ['\u00e5\u00e6\u00e7\u00e8\u00e9', 'ồổỗốộ'],
    ['\u00ea\u00eb\u00ec\u00ed\u00ee', 'ờởỡớợ'],
    ['\u00ef\u00f1\u00f2\u00f3\u00f4', 'ùủũúụ'],
    ['\u00f5\u00f6\u00f7\u00f8\u00f9', 'ừửữứự'],
    ['\u00fa\u00fb\u00fc\u00fd\u00fe', 'ỳỷỹýỵ'],
  ];
  for (const [from, to] of rows) [...from].forEach((c, i) => (TCVN3[c] = [...to][i]));
}

/**
 * VNI Windows code point → what it stands for: a mark written after its vowel (as combining characters, which NFC
 * composes with the vowel) or a letter of its own.
 */
const VNI: Record<string, string> = {};
{
  const ACUTE = '\u0301';
  const GRAVE = '\u0300';
  const HOOK = '\u0309';
  const TILDE = '\u0303';
  const DOT = '\u0323';
  const CIRC = '\u0302';
  const BREVE = '\u0306';
  const marks: [string, string, string][] = [
    // lower, upper, meaning
    ['ù', 'Ù', ACUTE],
    ['ø', 'Ø', GRAVE],
    ['û', 'Û', HOOK],
    ['õ', 'Õ', TILDE],
    ['ï', 'Ï', DOT],
    ['â', 'Â', CIRC],
    ['á', 'Á', CIRC + ACUTE],
    ['à', 'À', CIRC + GRAVE],
    ['å', 'Å', CIRC + HOOK],
    ['ã', 'Ã', CIRC + TILDE],
    ['ä', 'Ä', CIRC + DOT],
    ['ê', 'Ê', BREVE],
    ['é', 'É', BREVE + ACUTE],
    ['è', 'È', BREVE + GRAVE],
    ['ú', 'Ú', BREVE + HOOK],
    ['ü', 'Ü', BREVE + TILDE],
    ['ë', 'Ë', BREVE + DOT],
    ['í', 'Í', 'í'],
    ['ì', 'Ì', 'ì'],
    ['æ', 'Æ', 'ỉ'],
    ['ó', 'Ó', 'ĩ'],
    ['ò', 'Ò', 'ị'],
    ['î', 'Î', 'ỵ'],
    ['ô', 'Ô', 'ơ'],
    ['ö', 'Ö', 'ư'],
    ['ñ', 'Ñ', 'đ'],
  ];
  for (const [lower, upper, meaning] of marks) {
    VNI[lower] = meaning;
    VNI[upper] = meaning.length === 1 && !/[\u0300-\u036f]/.test(meaning) ? meaning.toUpperCase() : meaning;
  }
}

/** A legacy encoding dondoc converts. */
export type LegacyEncoding = 'TCVN3' | 'VNI';

/** Converts one word (or any text) from a legacy encoding, keeping ASCII as it is. */
export function fromLegacy(text: string, encoding: LegacyEncoding): string {
  const table = encoding === 'TCVN3' ? TCVN3 : VNI;
  let out = '';
  for (const ch of text) out += table[ch] ?? ch;
  return out.normalize('NFC');
}

const ONSET = /^(ngh|ng|gh|gi|kh|ch|nh|ph|th|tr|qu|[bcdđghklmnpqrstvx])?/u;
const FINAL = /(ch|ng|nh|[cmnpt])?$/u;
/** Vowel clusters that Vietnamese rimes use (without tone marks). */
const NUCLEI = new Set(
  (
    'a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ uy ưa ưi ưu ươ ' +
    'yê iêu oai oao oay oeo uây uôi ươi ươu uya uyê uyu yêu'
  ).split(' '),
);

/** Whether a word (letters only) is one well-formed Vietnamese syllable: onset, vowel cluster with one tone, final. */
export function isVietnameseSyllable(word: string): boolean {
  const w = word.normalize('NFD').toLowerCase();
  const tones = w.match(/[\u0300\u0301\u0303\u0309\u0323]/g)?.length ?? 0;
  if (tones > 1) return false;
  const bare = w.replace(/[\u0300\u0301\u0303\u0309\u0323]/g, '').normalize('NFC');
  if (!/^[a-zăâđêôơư]+$/u.test(bare)) return false;
  const parses = (onset: string) => {
    const rest = bare.slice(onset.length);
    const final = FINAL.exec(rest)?.[0] ?? '';
    const nucleus = rest.slice(0, rest.length - final.length);
    return nucleus !== '' && NUCLEI.has(nucleus);
  };
  const onset = ONSET.exec(bare)?.[0] ?? '';
  // "gì", "giếng": the i of "gi" is the vowel when nothing else is.
  return parses(onset) || (onset === 'gi' && parses('g'));
}

/** Letters that only the legacy encodings put inside Vietnamese words (never a Unicode Vietnamese letter). */
const MARKERS =
  /[\u00a1-\u00ae\u00b5-\u00b9\u00bb-\u00be\u00c6-\u00cb\u00ce-\u00d1\u00d6-\u00d8\u00dc\u00de\u00df\u00e4-\u00e8\u00eb\u00ee\u00ef\u00f1\u00f6-\u00f8\u00fb\u00fc\u00fe]/u;
const MODERN = /[\u1ea0-\u1ef9\u0102\u0103\u0110\u0111\u01a0\u01a1\u01af\u01b0]/gu;
const WORD = /[\p{L}\u00a1-\u00fe]+/gu;

/** What `detectLegacy` found. */
export interface LegacyDetection {
  encoding?: LegacyEncoding;
  /** Words with legacy letters, and how many of them each conversion turns into Vietnamese syllables. */
  suspect: number;
  converted: Record<LegacyEncoding, number>;
  /** Unicode Vietnamese letters in the text: many mean a mixed text, converted only where a word does not read. */
  modern: number;
}

/** Decides whether a text is TCVN3 or VNI by which conversion turns more of its odd words into Vietnamese. */
export function detectLegacy(text: string): LegacyDetection {
  const words = (text.match(WORD) ?? []).filter((w) => MARKERS.test(w));
  const converted = { TCVN3: 0, VNI: 0 };
  for (const w of words) {
    if (isVietnameseSyllable(fromLegacy(w, 'TCVN3'))) converted.TCVN3++;
    if (isVietnameseSyllable(fromLegacy(w, 'VNI'))) converted.VNI++;
  }
  const modern = text.match(MODERN)?.length ?? 0;
  const best: LegacyEncoding = converted.VNI > converted.TCVN3 ? 'VNI' : 'TCVN3';
  const legacy = words.length >= 3 && converted[best] >= Math.max(3, words.length * 0.5);
  return { encoding: legacy ? best : undefined, suspect: words.length, converted, modern };
}

const readable = (text: string) => (text.match(WORD) ?? []).filter(isVietnameseSyllable).length;

/**
 * Converts one line (a paragraph) written in `encoding`. In a mixed text, where paragraphs typed in a Unicode font
 * sit beside legacy ones, a line with Unicode Vietnamese letters is kept, and so is one that reads no better
 * converted. A line typed in capitals with an uppercase font (.VnTimeH stores lower-case codes) stays in capitals.
 */
export function convertLegacy(line: string, encoding: LegacyEncoding, mixed: boolean): string {
  const table = encoding === 'TCVN3' ? TCVN3 : VNI;
  if (![...line].some((c) => c in table)) return line;
  if (mixed && new RegExp(MODERN.source, 'u').test(line)) return line;
  let out = fromLegacy(line, encoding);
  if (mixed && readable(out) <= readable(line)) return line;
  const ascii = line.replace(/[^A-Za-z]/g, '');
  if (ascii.length >= 2 && ascii === ascii.toUpperCase()) out = out.toUpperCase();
  return out;
}
