/** Longest report text accepted (characters); longer content belongs in an attachment. */
export const maxReportTextLength = 200_000;

/** What an attachment may be: size limit and accepted types. */
export interface AttachmentLimits {
  maxBytes: number;
  /** Content type → accepted file extensions (lowercase, with the dot). */
  types: Record<string, readonly string[]>;
}

/** Office documents, PDF, images, text tables and zip archives up to 20 MiB. */
export const defaultAttachmentLimits: AttachmentLimits = {
  maxBytes: 20 * 1024 * 1024,
  types: {
    'application/pdf': ['.pdf'],
    'application/msword': ['.doc'],
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['.docx'],
    'application/vnd.ms-excel': ['.xls'],
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['.xlsx'],
    'application/vnd.oasis.opendocument.text': ['.odt'],
    'application/vnd.oasis.opendocument.spreadsheet': ['.ods'],
    'application/zip': ['.zip'],
    'image/jpeg': ['.jpg', '.jpeg'],
    'image/png': ['.png'],
    'text/plain': ['.txt'],
    'text/csv': ['.csv'],
  },
};

/** "20 MB" for people. */
export function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} MB`;
}

/** Why a report's text cannot be kept, or undefined; the same rule the store applies. */
export function reportTextProblem(text: string): string | undefined {
  if (text.length > maxReportTextLength) {
    return `Nội dung báo cáo dài ${text.length} ký tự, vượt giới hạn ${maxReportTextLength}; hãy gửi phần dài dưới dạng tệp đính kèm.`;
  }
  return undefined;
}

/**
 * Why a reference to a stored attachment is not one the store could have kept (shape, size, type), or undefined.
 * Pure, so workflows check it in their validators before anything is recorded; whether the file is really in the
 * store is for the store to say.
 */
export function attachmentRefProblem(
  ref: Partial<{ sha256: string; filename: string; contentType: string; size: number }> | undefined,
  limits: AttachmentLimits = defaultAttachmentLimits,
): string | undefined {
  if (!ref || typeof ref !== 'object') return 'Tệp đính kèm không hợp lệ';
  const name = typeof ref.filename === 'string' ? ref.filename : '';
  if (!name.trim()) return 'Tệp đính kèm thiếu tên tệp';
  if (typeof ref.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(ref.sha256))
    return `Tệp “${name}”: mã nội dung (sha256) không hợp lệ`;
  if (typeof ref.size !== 'number' || !Number.isInteger(ref.size) || ref.size <= 0)
    return `Tệp “${name}” rỗng hoặc không rõ dung lượng`;
  if (ref.size > limits.maxBytes)
    return `Tệp “${name}” có dung lượng ${formatMiB(ref.size)}, vượt giới hạn ${formatMiB(limits.maxBytes)}.`;
  const contentType = typeof ref.contentType === 'string' ? ref.contentType.split(';')[0].trim().toLowerCase() : '';
  if (!limits.types[contentType]) {
    const accepted = [...new Set(Object.values(limits.types).flat())].join(', ');
    return `Tệp “${name}” (${contentType || 'không rõ kiểu'}) không được chấp nhận; chỉ nhận các tệp: ${accepted}.`;
  }
  return undefined;
}
