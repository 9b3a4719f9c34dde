/**
 * `text` without the characters at its end that `unwanted` (a pattern of one character, without the `g` flag)
 * matches. Scans from the end: `text.replace(/[…]+$/, '')` is retried from every position of a long run of those
 * characters, in time quadratic in its length (a pasted line of 40,000 dots took 20 s to import).
 */
export function trimEndMatching(text: string, unwanted: RegExp): string {
  let end = text.length;
  while (end > 0 && unwanted.test(text[end - 1])) end--;
  return text.slice(0, end);
}
