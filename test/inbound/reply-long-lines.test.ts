import { replyText } from '../../src/activities/inbound/parse-reply';
import { oversized } from '../support/adversarial';

describe('the reply text of an email with very long lines', () => {
  it('drops trailing spaces of a 60,000-space line in linear time', () => {
    // Trailing spaces were removed with `replace(/[ \t]+$/gm, '')`, retried from every position of a run of spaces
    // that does not end the line: 40,000 spaces before a letter took 6 s, in the inbound listener's process.
    const body = `Báo cáo kết quả quý I.\n${oversized(' ', 60_000)}x   \n${oversized('\t ', 30_000)}\nTrân trọng.`;
    const started = Date.now();
    const text = replyText(body);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(text.split('\n')).toEqual(['Báo cáo kết quả quý I.', `${oversized(' ', 60_000)}x`, '', 'Trân trọng.']);
  });
});
