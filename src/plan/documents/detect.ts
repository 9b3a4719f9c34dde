import { DocumentError } from './document';

/** What a file is, by its content. */
export type Format = 'text' | 'docx' | 'doc' | 'pdf';

const startsWith = (buffer: Buffer, bytes: number[]) => bytes.every((b, i) => buffer[i] === b);

/**
 * Tells a plan document's format by its first bytes (a name can lie: a PDF saved as .txt, a .doc renamed .docx):
 * a ZIP holding word/document.xml is .docx, an OLE file with a WordDocument stream is .doc, "%PDF" is a PDF,
 * anything else is read as text. Formats dondoc does not
 * read are refused with what to do instead.
 */
export function detectFormat(buffer: Buffer): Format {
  if (startsWith(buffer, [0x50, 0x4b, 0x03, 0x04])) {
    if (buffer.includes('word/document.xml')) return 'docx';
    if (buffer.includes('xl/workbook.xml'))
      throw new DocumentError('tệp là bảng tính Excel (.xlsx), không phải văn bản kế hoạch: cần .docx, .pdf hoặc .txt');
    if (buffer.includes('application/vnd.oasis.opendocument'))
      throw new DocumentError('tệp OpenDocument (.odt): mở bằng LibreOffice và lưu thành .docx rồi nhập lại');
    throw new DocumentError('tệp nén ZIP không chứa văn bản Word (thiếu word/document.xml): cần .docx, .pdf hoặc .txt');
  }
  if (buffer.subarray(0, 1024).includes('%PDF-')) return 'pdf';
  if (startsWith(buffer, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    // An OLE compound file: Word 97–2003 when it holds the "WordDocument" stream (its name is stored in UTF-16).
    if (buffer.includes(Buffer.from('WordDocument', 'utf16le'))) return 'doc';
    throw new DocumentError('tệp Office cũ (.xls, .ppt…) không phải văn bản Word: cần .doc, .docx, .pdf hoặc .txt');
  }
  if (buffer.subarray(0, 5).toString('latin1') === '{\\rtf')
    throw new DocumentError('tệp RTF: lưu thành .docx rồi nhập lại');
  const image = [
    [[0x89, 0x50, 0x4e, 0x47], 'PNG'],
    [[0xff, 0xd8, 0xff], 'JPEG'],
    [[0x47, 0x49, 0x46, 0x38], 'GIF'],
    [[0x49, 0x49, 0x2a, 0x00], 'TIFF'],
    [[0x4d, 0x4d, 0x00, 0x2a], 'TIFF'],
  ] as const;
  for (const [magic, name] of image)
    if (startsWith(buffer, [...magic]))
      throw new DocumentError(
        `tệp ảnh ${name} (binary file), không phải văn bản: quét hoặc lưu thành PDF rồi nhập lại`,
        {
          offset: 0,
        },
      );
  return 'text';
}
