import { formatDate, formatInstant, localDate } from '../email/dates';
import { escapeHtml, type RenderedEmail } from '../email/layout';
import { subjectLine } from '../email/templates';
import { agencyName, formatRate, statusText, type AgencyReport, type Summary } from './summary';

const statusColors = { 'on-time': '#1e7b34', late: '#b35c00', extended: '#1f5fa8', missing: '#b00020' } as const;

function agencyLine(r: AgencyReport, zone: string): string {
  const when = r.receivedAt ? `, nhận ${formatInstant(r.receivedAt, zone)}` : '';
  return `${agencyName(r)} – ${statusText(r)}${when}`;
}

function text(summary: Summary, to: string[]): string {
  const zone = summary.plan.timezone;
  const t = summary.totals;
  const lines = [
    `Kính gửi: ${to.join('; ')}.`,
    '',
    `Hệ thống Đôn đốc gửi tổng hợp tình hình báo cáo ${summary.period.label} theo Kế hoạch ${summary.plan.number ?? ''} ${summary.plan.title}`.replace(
      /\s+/g,
      ' ',
    ) + '.',
    `Tổng hợp lúc: ${formatInstant(summary.compiledAt, zone)}.`,
    '',
    `Tổng số nhiệm vụ: ${t.tasks}; đúng hạn: ${t['on-time']}; trễ hạn: ${t.late}; chưa báo cáo: ${t.missing}${t.extended ? `; được gia hạn: ${t.extended}` : ''}.`,
    '',
    'I. TÌNH TRẠNG THEO NHIỆM VỤ',
  ];
  for (const task of summary.tasks) {
    lines.push('', `Nhiệm vụ ${task.id} – ${task.title}: ${statusText(task)}`);
    for (const r of task.lead) lines.push(`  Chủ trì: ${agencyLine(r, zone)}`);
    for (const r of task.coordinators) lines.push(`  Phối hợp: ${agencyLine(r, zone)}`);
    for (const r of task.lead.filter((l) => l.text)) {
      lines.push(`  Nội dung báo cáo (${agencyName(r)}):`, ...(r.text ?? '').split('\n').map((l) => `    ${l}`));
    }
  }
  lines.push('', 'II. TỔNG HỢP THEO CƠ QUAN (xếp theo tỷ lệ đúng hạn)', '');
  summary.agencies.forEach((a, i) =>
    lines.push(
      `${i + 1}. ${agencyName(a)}: ${a.owed} phải báo cáo; đúng hạn ${a.onTime}; trễ hạn ${a.late}; chưa báo cáo ${a.missing}; tỷ lệ đúng hạn ${formatRate(a.onTimeRate)}`,
    ),
  );
  lines.push(
    '',
    'Đính kèm: báo cáo tổng hợp (.docx) để chỉnh sửa, trình ký; bảng tình trạng (.xlsx).',
    '',
    'Trân trọng.',
    '',
    '-- ',
    `Hệ thống Đôn đốc – ${summary.plan.focalName ?? summary.plan.focalAgency}`,
    'Thư này do hệ thống Đôn đốc gửi tự động.',
  );
  return lines.join('\n').normalize('NFC');
}

function html(summary: Summary, to: string[]): string {
  const e = escapeHtml;
  const zone = summary.plan.timezone;
  const t = summary.totals;
  const cell = 'border: 1px solid #999; padding: 4px 6px; vertical-align: top;';
  const status = (r: { status: keyof typeof statusColors; extendedTo?: string }) =>
    `<span style="color: ${statusColors[r.status]}; font-weight: bold;">${e(statusText(r))}</span>`;
  const agencyCell = (reports: AgencyReport[]) =>
    reports
      .map(
        (r) =>
          `${e(agencyName(r))}: ${status(r)}${r.receivedAt ? ` <small>(${e(formatInstant(r.receivedAt, zone))})</small>` : ''}`,
      )
      .join('<br>');
  const rows = summary.tasks
    .map(
      (task, i) =>
        `<tr><td style="${cell}">${i + 1}</td><td style="${cell}"><strong>${e(task.id)}</strong> – ${e(task.title)}</td>` +
        `<td style="${cell}">${agencyCell(task.lead)}</td><td style="${cell}">${agencyCell(task.coordinators) || '—'}</td>` +
        `<td style="${cell}">${status(task)}</td></tr>`,
    )
    .join('\n');
  const texts = summary.tasks
    .flatMap((task) =>
      task.lead
        .filter((r) => r.text)
        .map(
          (r) =>
            `<h4 style="margin-bottom: 2px;">Nhiệm vụ ${e(task.id)} – ${e(agencyName(r))}</h4>` +
            `<div style="white-space: pre-wrap; margin-left: 12px;">${e(r.text ?? '')}</div>`,
        ),
    )
    .join('\n');
  const agencies = summary.agencies
    .map(
      (a, i) =>
        `<tr><td style="${cell}">${i + 1}</td><td style="${cell}">${e(agencyName(a))}</td><td style="${cell}">${a.owed}</td>` +
        `<td style="${cell}">${a.onTime}</td><td style="${cell}">${a.late}</td><td style="${cell}">${a.missing}</td>` +
        `<td style="${cell}">${e(formatRate(a.onTimeRate))}</td></tr>`,
    )
    .join('\n');
  const th = (labels: string[]) =>
    `<tr>${labels.map((l) => `<th style="${cell} background: #eee;">${e(l)}</th>`).join('')}</tr>`;
  return [
    '<!doctype html>',
    `<html lang="vi"><head><meta charset="utf-8"><title>${e(summary.period.label)}</title></head>`,
    '<body style="font-family: \'Times New Roman\', Times, serif; font-size: 15px; color: #1a1a1a; line-height: 1.45;">',
    `<p><strong>Kính gửi:</strong> ${e(to.join('; '))}.</p>`,
    `<p>Hệ thống Đôn đốc gửi tổng hợp tình hình báo cáo <strong>${e(summary.period.label)}</strong> theo Kế hoạch ${e(summary.plan.number ?? '')} ${e(summary.plan.title)}.</p>`,
    `<p>Tổng hợp lúc: ${e(formatInstant(summary.compiledAt, zone))}.</p>`,
    `<p>Tổng số nhiệm vụ: <strong>${t.tasks}</strong>; đúng hạn: <strong>${t['on-time']}</strong>; trễ hạn: <strong>${t.late}</strong>; chưa báo cáo: <strong>${t.missing}</strong>.</p>`,
    '<h3>I. Tình trạng theo nhiệm vụ</h3>',
    '<table style="border-collapse: collapse;">',
    th(['STT', 'Nhiệm vụ', 'Cơ quan chủ trì', 'Cơ quan phối hợp', 'Tình trạng']),
    rows,
    '</table>',
    '<h3>II. Tổng hợp theo cơ quan</h3>',
    '<table style="border-collapse: collapse;">',
    th(['STT', 'Cơ quan', 'Phải báo cáo', 'Đúng hạn', 'Trễ hạn', 'Chưa báo cáo', 'Tỷ lệ đúng hạn']),
    agencies,
    '</table>',
    texts ? `<h3>III. Nội dung báo cáo của cơ quan chủ trì</h3>\n${texts}` : '',
    '<p>Đính kèm: báo cáo tổng hợp (.docx) để chỉnh sửa, trình ký; bảng tình trạng (.xlsx).</p>',
    '<p>Trân trọng.</p>',
    `<p style="color: #555; border-top: 1px solid #ccc; padding-top: 8px;">${e(`Hệ thống Đôn đốc – ${summary.plan.focalName ?? summary.plan.focalAgency}`)}<br>Thư này do hệ thống Đôn đốc gửi tự động.</p>`,
    '</body></html>',
  ]
    .join('\n')
    .normalize('NFC');
}

/** The summary email: "[Tổng hợp] 678/KH-UBND – Báo cáo 6 tháng năm 2025, ngày 16/5/2025", plain text and HTML. */
export function renderSummaryEmail(summary: Summary, to: string[]): RenderedEmail {
  const compiled = localDate(summary.compiledAt, summary.plan.timezone);
  return {
    subject: subjectLine({
      kind: 'summary',
      plan: summary.plan,
      periodLabel: summary.period.label,
      dateNote: `ngày ${formatDate(compiled)}`,
    }),
    text: text(summary, to),
    html: html(summary, to),
  };
}
