import { DocumentError } from './document';

/** A text file decoded: its text, and whether it was not UTF-8 (then read byte by byte, for legacy encodings). */
export interface DecodedText {
  text: string;
  /** The bytes were not UTF-8 and were read as Latin-1: only a legacy Vietnamese encoding makes sense of them. */
  latin1?: { offset: number; line: number; column: number; byte: number };
  warnings: string[];
}

/** Windows-1252's characters for the bytes 0x80–0x9F (Latin-1 has control codes there). */
const CP1252 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** 1-based line and column of a byte offset. */
function position(buffer: Buffer, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++)
    if (buffer[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  return { line, column: offset - start + 1 };
}

/** Offset of the first byte that does not continue a valid UTF-8 sequence, or -1. */
function firstInvalidUtf8(buffer: Buffer): number {
  for (let i = 0; i < buffer.length;) {
    const b = buffer[i];
    const need =
      b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) if (i + k >= buffer.length || (buffer[i + k] & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * Decodes a text file: UTF-8 (with or without BOM) or UTF-16 with its BOM. A file with NUL or other control bytes
 * is refused as binary, naming the first such byte and where it is. A file that is not UTF-8 is read as Latin-1 so
 * that TCVN3 or VNI bytes can be recognised; the caller refuses it if they are not.
 */
export function decodeText(buffer: Buffer): DecodedText {
  if (buffer.length >= 2 && buffer[0] === 0xff && buffer[1] === 0xfe)
    return { text: buffer.subarray(2).toString('utf16le'), warnings: ['tệp mã UTF-16 đã được đọc thành Unicode'] };
  if (buffer.length >= 2 && buffer[0] === 0xfe && buffer[1] === 0xff) {
    const swapped = Buffer.from(buffer.subarray(2));
    swapped.swap16();
    return { text: swapped.toString('utf16le'), warnings: ['tệp mã UTF-16 đã được đọc thành Unicode'] };
  }
  const body = buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? buffer.subarray(3) : buffer;
  let controls = 0;
  let first = -1;
  for (let i = 0; i < body.length; i++) {
    const b = body[i];
    if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c)) {
      if (first < 0) first = i;
      controls++;
      if (b === 0) break;
    }
  }
  if (first >= 0 && (body[first] === 0 || controls > 8)) {
    const { line, column } = position(body, first);
    throw new DocumentError(
      `tệp nhị phân, không phải văn bản (binary file): byte 0x${body[first].toString(16).padStart(2, '0')} ` +
        `ở vị trí ${first} (dòng ${line}, cột ${column}); cần .txt (UTF-8), .docx hoặc .pdf`,
      { offset: first, line },
    );
  }
  const invalid = firstInvalidUtf8(body);
  if (invalid < 0) return { text: body.toString('utf8'), warnings: [] };
  return {
    // Typographic punctuation of an 8-bit file is Windows-1252's (the code page the legacy fonts were used under).
    text: body.toString('latin1').replace(/[\u0080-\u009f]/g, (c) => CP1252[c.charCodeAt(0) - 0x80] || c),
    latin1: { offset: invalid, ...position(body, invalid), byte: body[invalid] },
    warnings: [],
  };
}
