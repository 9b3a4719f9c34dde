import type { SourceLine } from './normalize';

/** Text joined from several source lines, remembering where each line (and each bullet item) starts. */
export interface Span {
  text: string;
  /** Offset in `text` where each source line starts, ascending. */
  offsets: number[];
  lines: number[];
  /** Offsets of "- " bullet items that start a line. */
  bullets: number[];
  /** Offsets of lines that follow a blank line and start with a capital: paragraph starts. */
  breaks: number[];
}

/** The source line of an offset in a span. */
export function lineAt(span: Span, offset: number): number {
  let found = span.lines[0] ?? 1;
  for (let i = 0; i < span.offsets.length && span.offsets[i] <= offset; i++) found = span.lines[i];
  return found;
}

/** A piece of a span as its own span (offsets shifted). */
export function slice(span: Span, from: number, to = span.text.length): Span {
  const text = span.text.slice(from, to);
  const lead = text.length - text.trimStart().length;
  const offsets: number[] = [0];
  const lines: number[] = [lineAt(span, from + lead)];
  span.offsets.forEach((o, i) => {
    if (o > from + lead && o < to) {
      offsets.push(o - from - lead);
      lines.push(span.lines[i]);
    }
  });
  return {
    text: text.trim(),
    offsets,
    lines,
    bullets: span.bullets.filter((b) => b >= from + lead && b < to).map((b) => b - from - lead),
    breaks: span.breaks.filter((b) => b >= from + lead && b < to).map((b) => b - from - lead),
  };
}

/** What starts a block: a Roman section, a numbered heading, a lettered item, the closing paragraph, the recipients. */
export type BlockKind = 'header' | 'roman' | 'number' | 'letter' | 'closing' | 'trailer';

/** A heading (or other structural unit) with the text up to the next one. */
export interface Block {
  kind: BlockKind;
  /** "II", "2.4.1", "a"; empty for header, closing and trailer. */
  label: string;
  parts: number[];
  span: Span;
  line: number;
}

/** A block with the blocks under it. */
export interface Node {
  block: Block;
  children: Node[];
}

const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'];
const STARTS_HEADING = /^(?:$|[\p{Lu}“"'«(])/u;
const ENDS_SENTENCE = /[.;:!?…)”"]$/u;

/** Whether `parts` can follow the current numbering: next sibling at any depth, or first child. */
function plausibleNumber(parts: number[], current: number[]): boolean {
  if (parts.some((p) => p < 1 || p > 60)) return false;
  if (current.length === 0) return parts.length === 1 ? parts[0] === 1 : parts.every((p) => p === 1);
  if (parts.length === current.length + 1)
    return parts[parts.length - 1] === 1 && parts.slice(0, -1).every((p, i) => p === current[i]);
  if (parts.length > current.length) return false;
  const depth = parts.length;
  return parts.slice(0, depth - 1).every((p, i) => p === current[i]) && parts[depth - 1] === current[depth - 1] + 1;
}

interface Builder {
  kind: BlockKind;
  label: string;
  parts: number[];
  line: number;
  pieces: { text: string; line: number; bullet: boolean; paragraph?: boolean }[];
}

function finish(b: Builder): Block {
  let text = '';
  const offsets: number[] = [];
  const lines: number[] = [];
  const bullets: number[] = [];
  const breaks: number[] = [];
  for (const piece of b.pieces) {
    if (!piece.text) continue;
    if (text) text += ' ';
    offsets.push(text.length);
    lines.push(piece.line);
    if (piece.bullet) bullets.push(text.length);
    if (piece.paragraph && text.length > 0) breaks.push(text.length);
    text += piece.text;
  }
  if (offsets.length === 0) {
    offsets.push(0);
    lines.push(b.line);
  }
  return {
    kind: b.kind,
    label: b.label,
    parts: b.parts,
    line: b.line,
    span: { text, offsets, lines, bullets, breaks },
  };
}

/**
 * Cuts the cleaned lines into blocks at headings that start a line and fit the numbering so far, so that a
 * line starting with "2025." or "- xã hội" after a hard wrap continues the text instead of opening a heading.
 */
export function segment(lines: SourceLine[]): Block[] {
  const blocks: Block[] = [];
  let current: Builder = { kind: 'header', label: '', parts: [], line: lines[0]?.line ?? 1, pieces: [] };
  let romanCount = 0;
  let numbering: number[] = [];
  let trailer = false;
  let previous: SourceLine | undefined;

  const open = (kind: BlockKind, label: string, parts: number[], line: SourceLine, rest: string) => {
    blocks.push(finish(current));
    current = { kind, label, parts, line: line.line, pieces: [{ text: rest, line: line.line, bullet: false }] };
  };

  for (const line of lines) {
    const text = line.text;
    if (trailer) {
      current.pieces.push({ text, line: line.line, bullet: false });
      continue;
    }
    const roman = /^([IVX]{1,4})\s*\.\s*(.*)$/.exec(text);
    const numbered = /^(\d{1,2}(?:\.\d{1,2})*)(\.?)(?:\s+|$)(.*)$/.exec(text);
    const letter = /^([a-zđ])\)\s*(.*)$/u.exec(text);
    if (/^Nơi nhận(?=[\s:]|$)/u.test(text)) {
      trailer = true;
      open('trailer', '', [], line, text);
    } else if (/^Trên đây là(?=\s|$)/u.test(text) && current.kind !== 'header') {
      open('closing', '', [], line, text);
    } else if (roman && ROMAN[romanCount] === roman[1] && STARTS_HEADING.test(roman[2])) {
      romanCount++;
      numbering = [];
      open('roman', roman[1], [], line, roman[2]);
    } else if (
      numbered &&
      (numbered[2] === '.' || numbered[1].includes('.')) &&
      STARTS_HEADING.test(numbered[3]) &&
      plausibleNumber(numbered[1].split('.').map(Number), numbering)
    ) {
      numbering = numbered[1].split('.').map(Number);
      open('number', numbering.join('.'), numbering, line, numbered[3]);
    } else if (letter && current.kind !== 'header' && STARTS_HEADING.test(letter[2])) {
      open('letter', letter[1], [], line, letter[2]);
    } else {
      const inTitle =
        current.kind !== 'header' && !current.pieces.some((p) => /[.;:]\s|[.;:]$/.test(p.text) || p.bullet);
      const lastWord = previous?.text.split(' ').pop() ?? '';
      const bullet =
        /^[-–•+*]\s+\p{Lu}/u.test(text) &&
        (line.afterBlank || ENDS_SENTENCE.test(previous?.text ?? '') || (inTitle && /^\p{Ll}/u.test(lastWord)));
      const paragraph = line.afterBlank && /^[\p{Lu}“"(-]/u.test(text);
      current.pieces.push({ text, line: line.line, bullet, paragraph });
    }
    previous = line;
  }
  blocks.push(finish(current));
  return blocks.filter((b) => b.kind !== 'header' || b.span.text.length > 0);
}

/** Nests blocks: numbered headings under their Roman section and parent number, letters under the last heading. */
export function buildTree(blocks: Block[]): Node[] {
  const roots: Node[] = [];
  let section: Node | undefined;
  let stack: Node[] = [];
  for (const block of blocks) {
    const node: Node = { block, children: [] };
    if (block.kind === 'roman' || block.kind === 'header' || block.kind === 'closing' || block.kind === 'trailer') {
      roots.push(node);
      section = block.kind === 'roman' ? node : undefined;
      stack = [];
    } else if (block.kind === 'number') {
      while (stack.length > 0 && !isPrefix(stack[stack.length - 1].block.parts, block.parts)) stack.pop();
      const parent = stack[stack.length - 1] ?? section;
      if (parent) parent.children.push(node);
      else roots.push(node);
      stack.push(node);
    } else {
      const parent = stack[stack.length - 1] ?? section;
      if (parent) parent.children.push(node);
      else roots.push(node);
    }
  }
  return roots;
}

function isPrefix(prefix: number[], parts: number[]): boolean {
  return prefix.length < parts.length && prefix.every((p, i) => p === parts[i]);
}
