/** Lines that start a paragraph in a plan text: headings, items, bullets, table cells, blank lines before. */
const STARTS =
  /^(?:[IVX]+\.|\d+(?:\.\d+)*\.?(?:\s|$)|[a-zđ]\)|[-–•+]\s+\p{Lu}|Nơi nhận|Trên đây|\||KẾ HOẠCH|Số:|[-]{3,})/u;

/** Splits a plan text into paragraphs, each with whether a blank line came before it. */
export function paragraphs(text: string): { text: string; blankBefore: boolean }[] {
  const out: { text: string; blankBefore: boolean }[] = [];
  let blank = false;
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    if (!line) {
      blank = true;
      continue;
    }
    if (out.length === 0 || blank || STARTS.test(line)) out.push({ text: line, blankBefore: blank });
    else out[out.length - 1].text += ` ${line}`;
    blank = false;
  }
  return out;
}

/** Re-wraps every paragraph at `width` characters (Infinity: one paragraph per line), keeping blank lines. */
export function rewrap(text: string, width: number): string {
  const lines: string[] = [];
  for (const p of paragraphs(text)) {
    if (p.blankBefore) lines.push('');
    let line = '';
    for (const word of p.text.split(/\s+/)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

/** Adds blank lines before every paragraph and around the text. */
export function extraBlankLines(text: string): string {
  return `\n\n\n${paragraphs(text)
    .map((p) => p.text)
    .join('\n\n\n')}\n\n\n`;
}
