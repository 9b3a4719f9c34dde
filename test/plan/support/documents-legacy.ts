/**
 * Writes Unicode Vietnamese the way the legacy fonts stored it, for the tests of the documents reader: VNI (marks
 * typed after the vowel) and TCVN3 (one byte per letter; capitals with tone marks only in the all-capitals .VnTimeH
 * font, so a capital with a tone in a mixed-case line is written small, as typists did).
 */

const TONES: Record<string, number> = { '\u0301': 1, '\u0300': 2, '\u0309': 3, '\u0303': 4, '\u0323': 5 };
// VNI: plain tone marks (none, acute, grave, hook, tilde, dot), then with circumflex, then with breve.
const VNI_PLAIN = ['', 'ù', 'ø', 'û', 'õ', 'ï'];
const VNI_CIRC = ['â', 'á', 'à', 'å', 'ã', 'ä'];
const VNI_BREVE = ['ê', 'é', 'è', 'ú', 'ü', 'ë'];
const VNI_I = ['i', 'í', 'ì', 'æ', 'ó', 'ò'];

/** Unicode → VNI, as Unicode code points of the bytes (Latin-1). */
export function toVni(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    if (ch === 'đ' || ch === 'Đ') {
      out += ch === 'đ' ? 'ñ' : 'Ñ';
      continue;
    }
    const parts = [...ch.normalize('NFD')];
    const base = parts[0];
    if (parts.length === 1 || !/[aeiouyAEIOUY]/.test(base)) {
      out += ch;
      continue;
    }
    const upper = base !== base.toLowerCase();
    const up = (s: string) => (upper ? s.toUpperCase() : s);
    const tone = parts.map((p) => TONES[p] ?? 0).find((t) => t > 0) ?? 0;
    if (parts.includes('\u031b')) out += up(base.toLowerCase() === 'o' ? 'ô' : 'ö') + up(VNI_PLAIN[tone]);
    else if (parts.includes('\u0302')) out += base + up(VNI_CIRC[tone]);
    else if (parts.includes('\u0306')) out += base + up(VNI_BREVE[tone]);
    else if (base.toLowerCase() === 'i') out += up(VNI_I[tone]);
    else if (base.toLowerCase() === 'y' && tone === 5) out += up('î');
    else out += base + up(VNI_PLAIN[tone]);
  }
  return out;
}

const TCVN3_ROWS: [string, string][] = [
  ['ĂÂÊÔƠƯĐ', '\u00a1\u00a2\u00a3\u00a4\u00a5\u00a6\u00a7'],
  ['ăâêôơưđ', '\u00a8\u00a9\u00aa\u00ab\u00ac\u00ad\u00ae'],
  ['àảãáạ', '\u00b5\u00b6\u00b7\u00b8\u00b9'],
  ['ằẳẵắặ', '\u00bb\u00bc\u00bd\u00be\u00c6'],
  ['ầẩẫấậ', '\u00c7\u00c8\u00c9\u00ca\u00cb'],
  ['èẻẽéẹ', '\u00cc\u00ce\u00cf\u00d0\u00d1'],
  ['ềểễếệ', '\u00d2\u00d3\u00d4\u00d5\u00d6'],
  ['ìỉĩíị', '\u00d7\u00d8\u00dc\u00dd\u00de'],
  ['òỏõóọ', '\u00df\u00e1\u00e2\u00e3\u00e4'],
  ['ồổỗốộ', '\u00e5\u00e6\u00e7\u00e8\u00e9'],
  ['ờởỡớợ', '\u00ea\u00eb\u00ec\u00ed\u00ee'],
  ['ùủũúụ', '\u00ef\u00f1\u00f2\u00f3\u00f4'],
  ['ừửữứự', '\u00f5\u00f6\u00f7\u00f8\u00f9'],
  ['ỳỷỹýỵ', '\u00fa\u00fb\u00fc\u00fd\u00fe'],
];
const TCVN3: Record<string, string> = {};
for (const [from, to] of TCVN3_ROWS) [...from].forEach((c, i) => (TCVN3[c] = [...to][i]));

/** Unicode → TCVN3, as Unicode code points of the bytes (Latin-1); a capital with a tone takes the small code. */
export function toTcvn3(text: string): string {
  return [...text.normalize('NFC')].map((ch) => TCVN3[ch] ?? TCVN3[ch.toLowerCase()] ?? ch).join('');
}

const CP1252: Record<string, number> = {
  '“': 0x93,
  '”': 0x94,
  '‘': 0x91,
  '’': 0x92,
  '–': 0x96,
  '—': 0x97,
  '…': 0x85,
  '•': 0x95,
};

/** The bytes of an 8-bit legacy text: Latin-1 for the letters, Windows-1252 for typographic punctuation. */
export function legacyBytes(text: string): Buffer {
  return Buffer.from([...text].map((ch) => CP1252[ch] ?? (ch.charCodeAt(0) < 256 ? ch.charCodeAt(0) : 0x3f)));
}
