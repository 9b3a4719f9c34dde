import type { Header } from './header';
import { PROVINCE_SOURCES } from './header';
import { quote, reviewItem, type ReviewItem, type ReviewKind } from './review';

/**
 * What the header does not say: the number, the place and date, the issuer and the title, each missing or blank
 * (a draft) or guessed from the plan's own title, closing sentence or the chosen directory.
 */
export function headerReview(header: Header, withDirectory: boolean): ReviewItem[] {
  const review: ReviewItem[] = [];
  const add = (kind: ReviewKind, line: number, field: string, read: string, assumed: string, check: string) =>
    review.push(reviewItem(kind, line, field, { read, assumed, check }));
  const province = header.province?.value ?? '';
  if (!header.number)
    add(
      'header-missing',
      header.blankNumber?.line ?? 1,
      'number',
      header.blankNumber
        ? `số ký hiệu để trống: ${quote(header.blankNumber.text)} (bản dự thảo?)`
        : 'văn bản không có dòng “Số: …/KH-UBND”',
      'Kế hoạch không có số ký hiệu',
      'ghi số ký hiệu của văn bản đã ký (number), hoặc để trống nếu chưa có',
    );
  if (!header.issuedOn)
    add(
      'header-missing',
      header.blankDate?.line ?? 1,
      'issuedOn',
      header.blankDate
        ? `ngày ban hành để trống: ${quote(header.blankDate.text)} (bản dự thảo?)`
        : 'văn bản không có dòng địa danh, ngày tháng (“…, ngày … tháng … năm …”)',
      'Kế hoạch không có ngày ban hành',
      'ghi ngày ký của văn bản (issuedOn)',
    );
  if (!header.issuer) {
    const from =
      header.province?.from !== undefined
        ? PROVINCE_SOURCES[header.province.from]
        : withDirectory
          ? 'danh bạ cơ quan đã chọn'
          : '';
    add(
      province ? 'header-guessed' : 'header-missing',
      header.province?.line ?? 1,
      'issuer',
      'văn bản không có dòng cơ quan ban hành (“ỦY BAN NHÂN DÂN TỈNH …”)',
      province
        ? `cơ quan ban hành là Ủy ban nhân dân tỉnh ${province}, theo tên tỉnh trong ${from}`
        : 'không biết tỉnh nào ban hành; ghi tạm “Ủy ban nhân dân tỉnh”',
      province ? 'đúng cơ quan ban hành (issuer)' : 'ghi cơ quan ban hành (issuer) và danh bạ (directory)',
    );
  }
  if (header.title?.fromCapitals)
    add(
      'title-capitals',
      header.title.line,
      'title',
      'tiêu đề viết hoa toàn bộ',
      `chuyển thành chữ thường: ${quote(header.title.value, 80)}`,
      'viết hoa đúng các tên riêng trong tiêu đề',
    );
  if (!header.title)
    add(
      'header-missing',
      1,
      'title',
      'không có tiêu đề sau chữ “KẾ HOẠCH”',
      'tiêu đề là “Kế hoạch”',
      'ghi tiêu đề của Kế hoạch (title)',
    );
  return review;
}
