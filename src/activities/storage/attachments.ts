import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import { defaultAttachmentLimits, formatMiB, type AttachmentLimits } from '../../plan/report-limits';

export { defaultAttachmentLimits, type AttachmentLimits } from '../../plan/report-limits';

/** Why an attachment was refused; `code` doubles as the activity failure type. */
export type AttachmentProblem =
  'AttachmentTooLarge' | 'AttachmentTypeNotAllowed' | 'AttachmentEmpty' | 'AttachmentContentMismatch';

/** An attachment outside the limits; the message says, in Vietnamese, what is accepted. */
export class AttachmentRejectedError extends Error {
  override readonly name = 'AttachmentRejectedError';
  constructor(
    readonly code: AttachmentProblem,
    message: string,
  ) {
    super(message);
  }
}

// Formats whose first bytes are fixed: a renamed executable must not pass as a PDF or a Word file.
const signatures: Record<string, readonly number[]> = {
  '.pdf': [0x25, 0x50, 0x44, 0x46],
  '.docx': [0x50, 0x4b],
  '.xlsx': [0x50, 0x4b],
  '.odt': [0x50, 0x4b],
  '.ods': [0x50, 0x4b],
  '.zip': [0x50, 0x4b],
  '.doc': [0xd0, 0xcf, 0x11, 0xe0],
  '.xls': [0xd0, 0xcf, 0x11, 0xe0],
  '.png': [0x89, 0x50, 0x4e, 0x47],
  '.jpg': [0xff, 0xd8, 0xff],
  '.jpeg': [0xff, 0xd8, 0xff],
};

/** Throws `AttachmentRejectedError` unless the file fits the limits; returns the normalised content type. */
export function checkAttachment(
  input: { filename: string; contentType: string; content: Buffer },
  limits: AttachmentLimits = defaultAttachmentLimits,
): string {
  const name = input.filename.normalize('NFC');
  const contentType = input.contentType.split(';')[0].trim().toLowerCase();
  const extension = extname(name).toLowerCase();
  if (input.content.length === 0) {
    throw new AttachmentRejectedError('AttachmentEmpty', `Tệp “${name}” rỗng (0 byte).`);
  }
  if (input.content.length > limits.maxBytes) {
    throw new AttachmentRejectedError(
      'AttachmentTooLarge',
      `Tệp “${name}” có dung lượng ${formatMiB(input.content.length)}, vượt giới hạn ${formatMiB(limits.maxBytes)}.`,
    );
  }
  const extensions = limits.types[contentType];
  if (!extensions || !extensions.includes(extension)) {
    const accepted = [...new Set(Object.values(limits.types).flat())].join(', ');
    throw new AttachmentRejectedError(
      'AttachmentTypeNotAllowed',
      `Tệp “${name}” (${contentType || 'không rõ kiểu'}) không được chấp nhận; chỉ nhận các tệp: ${accepted}.`,
    );
  }
  const signature = signatures[extension];
  if (signature && !signature.every((byte, i) => input.content[i] === byte)) {
    throw new AttachmentRejectedError(
      'AttachmentContentMismatch',
      `Nội dung tệp “${name}” không phải định dạng ${extension} như tên tệp cho biết.`,
    );
  }
  return contentType;
}

/** Hex SHA-256 of the content: the attachment's address in the store. */
export function contentHash(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}
