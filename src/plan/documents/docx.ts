import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import JSZip from 'jszip';
import mammoth from 'mammoth';
import { DocumentError } from './document';

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

/** One level of a Word list: how its number is drawn. */
interface Level {
  format: string;
  text: string;
  start: number;
}

const children = (el: Element | null | undefined, name: string): Element[] =>
  el
    ? Array.from(el.childNodes as ArrayLike<Node>).filter(
        (n): n is Element => n.nodeType === 1 && (n as Element).localName === name,
      )
    : [];
const child = (el: Element | null | undefined, name: string): Element | undefined => children(el, name)[0];
const val = (el: Element | undefined): string | undefined =>
  el?.getAttributeNS(W, 'val') || el?.getAttribute('w:val') || undefined;

function roman(n: number): string {
  const table: [number, string][] = [
    [1000, 'M'],
    [900, 'CM'],
    [500, 'D'],
    [400, 'CD'],
    [100, 'C'],
    [90, 'XC'],
    [50, 'L'],
    [40, 'XL'],
    [10, 'X'],
    [9, 'IX'],
    [5, 'V'],
    [4, 'IV'],
    [1, 'I'],
  ];
  let out = '';
  for (const [value, letters] of table)
    while (n >= value) {
      out += letters;
      n -= value;
    }
  return out;
}

/** A counter drawn in a Word number format (the formats plans use; others as decimal). */
export function formatNumber(n: number, format: string): string {
  switch (format) {
    case 'upperRoman':
      return roman(n);
    case 'lowerRoman':
      return roman(n).toLowerCase();
    case 'upperLetter':
    case 'lowerLetter': {
      // Word repeats the letter past z: aa, bb, …
      const letter = String.fromCharCode(97 + ((n - 1) % 26)).repeat(Math.floor((n - 1) / 26) + 1);
      return format === 'upperLetter' ? letter.toUpperCase() : letter;
    }
    case 'decimalZero':
      return String(n).padStart(2, '0');
    case 'none':
      return '';
    default:
      return String(n);
  }
}

/** Bullet symbols as the importer reads them: "+" stays, every other bullet becomes "-". */
const bulletText = (text: string) => (text.trim() === '+' ? '+' : '-');

/**
 * Writes the numbers Word draws for auto-numbered paragraphs (I., 1., a), bullets) into the paragraphs' text, since
 * text extraction drops them and the importer reads tasks by them. Counters follow Word: per list (numId), a level
 * counts from its start, deeper levels restart when a shallower one counts, `%n` in a level's text is level n's count.
 */
export async function addListNumbers(zip: JSZip): Promise<number> {
  const documentXml = await zip.file('word/document.xml')?.async('string');
  if (!documentXml) throw new DocumentError('tệp .docx hỏng: thiếu word/document.xml');
  const numberingXml = await zip.file('word/numbering.xml')?.async('string');
  if (!numberingXml) return 0;
  const parser = new DOMParser();
  const numbering = parser.parseFromString(numberingXml, 'text/xml').documentElement;
  const abstract = new Map<string, Map<number, Level>>();
  for (const a of children(numbering, 'abstractNum')) {
    const levels = new Map<number, Level>();
    for (const l of children(a, 'lvl'))
      levels.set(Number(l.getAttributeNS(W, 'ilvl') || l.getAttribute('w:ilvl') || 0), {
        format: val(child(l, 'numFmt')) ?? 'decimal',
        text: val(child(l, 'lvlText')) ?? '',
        start: Number(val(child(l, 'start')) ?? 1),
      });
    abstract.set(a.getAttributeNS(W, 'abstractNumId') || a.getAttribute('w:abstractNumId') || '', levels);
  }
  const lists = new Map<string, Map<number, Level>>();
  for (const n of children(numbering, 'num')) {
    const base = abstract.get(val(child(n, 'abstractNumId')) ?? '') ?? new Map<number, Level>();
    const levels = new Map(base);
    for (const o of children(n, 'lvlOverride')) {
      const ilvl = Number(o.getAttributeNS(W, 'ilvl') || o.getAttribute('w:ilvl') || 0);
      const start = val(child(o, 'startOverride'));
      const lvl = child(o, 'lvl');
      const current = levels.get(ilvl) ?? { format: 'decimal', text: `%${ilvl + 1}.`, start: 1 };
      levels.set(ilvl, {
        format: (lvl && val(child(lvl, 'numFmt'))) ?? current.format,
        text: (lvl && val(child(lvl, 'lvlText'))) ?? current.text,
        start: start !== undefined ? Number(start) : current.start,
      });
    }
    lists.set(n.getAttributeNS(W, 'numId') || n.getAttribute('w:numId') || '', levels);
  }

  // Paragraph styles may carry the numbering (numbered headings).
  const styleNumbering = new Map<string, { numId?: string; ilvl?: number; basedOn?: string }>();
  const stylesXml = await zip.file('word/styles.xml')?.async('string');
  if (stylesXml)
    for (const s of children(parser.parseFromString(stylesXml, 'text/xml').documentElement, 'style')) {
      const numPr = child(child(s, 'pPr'), 'numPr');
      styleNumbering.set(s.getAttributeNS(W, 'styleId') || s.getAttribute('w:styleId') || '', {
        numId: val(child(numPr, 'numId')),
        ilvl: numPr && child(numPr, 'ilvl') ? Number(val(child(numPr, 'ilvl'))) : undefined,
        basedOn: val(child(s, 'basedOn')),
      });
    }
  const fromStyle = (styleId: string | undefined) => {
    for (let id = styleId, depth = 0; id && depth < 10; depth++) {
      const s = styleNumbering.get(id);
      if (!s) return undefined;
      if (s.numId) return { numId: s.numId, ilvl: s.ilvl ?? 0 };
      id = s.basedOn;
    }
    return undefined;
  };

  const doc = parser.parseFromString(documentXml, 'text/xml');
  const counters = new Map<string, (number | undefined)[]>();
  let numbered = 0;
  for (const p of Array.from(doc.getElementsByTagNameNS(W, 'p'))) {
    const pPr = child(p, 'pPr');
    const numPr = child(pPr, 'numPr');
    let numId = val(child(numPr, 'numId'));
    let ilvl = Number(val(child(numPr, 'ilvl')) ?? 0);
    if (!numPr) {
      const styled = fromStyle(val(child(pPr, 'pStyle')));
      if (styled) ({ numId, ilvl } = styled);
    }
    if (!numId || numId === '0') continue;
    const levels = lists.get(numId);
    const level = levels?.get(ilvl);
    if (!levels || !level) continue;
    const count = counters.get(numId) ?? [];
    count[ilvl] = count[ilvl] === undefined ? level.start : count[ilvl]! + 1;
    for (let k = ilvl + 1; k < count.length; k++) count[k] = undefined;
    counters.set(numId, count);
    const label =
      level.format === 'bullet'
        ? bulletText(level.text)
        : level.text.replace(/%([1-9])/g, (_m, d: string) => {
            const k = Number(d) - 1;
            const l = levels.get(k);
            return formatNumber(count[k] ?? l?.start ?? 1, k === ilvl ? level.format : (l?.format ?? 'decimal'));
          });
    if (!label.trim()) continue;
    const run = doc.createElementNS(W, 'w:r');
    const t = doc.createElementNS(W, 'w:t');
    t.setAttribute('xml:space', 'preserve');
    t.appendChild(doc.createTextNode(`${label.trim()} `));
    run.appendChild(t);
    p.insertBefore(run, pPr ? pPr.nextSibling : p.firstChild);
    numbered++;
  }
  if (numbered > 0) zip.file('word/document.xml', new XMLSerializer().serializeToString(doc));
  return numbered;
}

/**
 * The text of a .docx with mammoth (paragraphs and table cells in reading order, one per line), with Word's list
 * numbers written back in. Page headers and footers are not part of the body and are left out.
 */
export async function readDocx(buffer: Buffer): Promise<{ text: string; warnings: string[] }> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(buffer);
  } catch (err) {
    throw new DocumentError(`tệp .docx hỏng, không mở được (${(err as Error).message})`);
  }
  const numbered = await addListNumbers(zip);
  const prepared = numbered > 0 ? await zip.generateAsync({ type: 'nodebuffer' }) : buffer;
  let result: { value: string; messages: { type: string; message: string }[] };
  try {
    result = await mammoth.extractRawText({ buffer: prepared });
  } catch (err) {
    throw new DocumentError(`tệp .docx không đọc được (${(err as Error).message})`);
  }
  const warnings: string[] = [];
  if (numbered > 0) warnings.push(`đã ghi lại số thứ tự tự động của Word cho ${numbered} đoạn (1., a), I.…)`);
  // mammoth puts a blank line after each paragraph, as a paragraph break is in a text file: the importer reads it.
  const text = result.value.replace(/\r\n?/g, '\n');
  return { text, warnings };
}
