import { formatStatus, type StatusEntry } from '../../src/cli/status';
import type { SubjectView } from '../../src/workflows/contract';

function entry(view: Partial<SubjectView> & Pick<SubjectView, 'status'>): StatusEntry {
  return {
    workflowId: 'plan/p/task/1',
    planId: 'p',
    subject: { type: 'task', taskId: '1' },
    title: 'Nhiệm vụ 1: Tuyên truyền',
    status: view.status,
    execution: 'COMPLETED',
    view: {
      planId: 'p',
      subject: { type: 'task', taskId: '1' },
      lead: [],
      coordinators: [],
      upcoming: [],
      closed: [],
      audit: [],
      ...view,
    },
  };
}

describe('dondoc status says what was and was not followed', () => {
  it('says a task started after its dates was not followed, with the periods it skipped', () => {
    const text = formatStatus([
      entry({
        status: 'not-followed',
        notFollowed: [{ id: '2025-six-month', label: 'Báo cáo 6 tháng năm 2025', leadDue: '2025-05-15' }],
      }),
    ]).join('\n');
    expect(text).toContain('Trạng thái: không theo dõi (bắt đầu sau hạn)');
    expect(text).toContain(
      'Không theo dõi (đã quá hạn khi bắt đầu theo dõi): Báo cáo 6 tháng năm 2025 (hạn Thứ Năm, 15/05/2025)',
    );
    expect(text).not.toContain('Trạng thái: hoàn thành');
  });

  it('says a task that ended with a report missing ended with it missing', () => {
    const text = formatStatus([
      entry({
        status: 'ended-missing',
        closed: [
          {
            id: '2025-annual',
            label: 'Báo cáo năm 2025',
            closedAt: '2025-12-20T01:00:00.000Z',
            outcomes: { 'Sở Tài chính': 'missing', 'Sở Nội vụ': 'on-time' },
          },
        ],
      }),
    ]).join('\n');
    expect(text).toContain('Trạng thái: kết thúc, thiếu báo cáo');
    expect(text).toContain('Báo cáo năm 2025: đã đóng, thiếu báo cáo của Sở Tài chính');
  });
});
