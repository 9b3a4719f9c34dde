const romanQuarters = ['I', 'II', 'III', 'IV'];

/**
 * A Vietnamese label for an occurrence id (ids of src/deadlines/schedule.ts) when the request carries none:
 * `2025-six-month` → "Báo cáo 6 tháng năm 2025", `2025-q1` → "Báo cáo quý I năm 2025", `2025-m05-completion` → …
 */
export function periodLabelFromId(occurrenceId: string): string {
  let m: RegExpMatchArray | null;
  if ((m = occurrenceId.match(/^(\d{4})-six-month(?:-\d+)?$/))) return `Báo cáo 6 tháng năm ${m[1]}`;
  if ((m = occurrenceId.match(/^(\d{4})-annual(?:-\d+)?$/))) return `Báo cáo năm ${m[1]}`;
  if ((m = occurrenceId.match(/^(\d{4})-q([1-4])(?:-\d+)?$/)))
    return `Báo cáo quý ${romanQuarters[Number(m[2]) - 1]} năm ${m[1]}`;
  if ((m = occurrenceId.match(/^(\d{4})-m(\d{2})(?:-\d+)?$/))) return `Báo cáo tháng ${Number(m[2])} năm ${m[1]}`;
  if ((m = occurrenceId.match(/^(\d{4})-five-year(?:-\d+)?$/)))
    return `Báo cáo tổng kết 5 năm ${Number(m[1]) - 4} - ${m[1]}`;
  if ((m = occurrenceId.match(/^(\d{4})-ad-hoc(?:-\d+)?$/))) return `Báo cáo đột xuất năm ${m[1]}`;
  if (occurrenceId === 'completion') return 'Hoàn thành nhiệm vụ';
  if ((m = occurrenceId.match(/^(\d{4})-q([1-4])-completion$/)))
    return `Hoàn thành nhiệm vụ (quý ${romanQuarters[Number(m[2]) - 1]}/${m[1]})`;
  if ((m = occurrenceId.match(/^(\d{4})-m(\d{2})-completion$/)))
    return `Hoàn thành nhiệm vụ (tháng ${Number(m[2])}/${m[1]})`;
  if ((m = occurrenceId.match(/^(\d{4})-completion$/))) return `Hoàn thành nhiệm vụ (năm ${m[1]})`;
  if ((m = occurrenceId.match(/^deliverable-(\d{4})-(\d{2})-(\d{2})$/)))
    return `Hạn ngày ${Number(m[3])}/${Number(m[2])}/${m[1]}`;
  return occurrenceId;
}
