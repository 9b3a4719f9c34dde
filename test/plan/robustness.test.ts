import { importPlanText } from '../../src/plan/importer';
import { directory, SHIPPED, source, withoutLines } from './support/fixtures';
import { extraBlankLines, rewrap } from './support/rewrap';

const variants: [string, (text: string) => string][] = [
  ['re-wrapped at 40 columns', (t) => rewrap(t, 40)],
  ['re-wrapped at 60 columns', (t) => rewrap(t, 60)],
  ['re-wrapped at 100 columns', (t) => rewrap(t, 100)],
  ['one paragraph per line', (t) => rewrap(t, Infinity)],
  ['with Windows line endings', (t) => t.replace(/\r?\n/g, '\r\n')],
  ['in decomposed Unicode (NFD)', (t) => t.normalize('NFD')],
  ['with extra blank lines', extraBlankLines],
  [
    're-wrapped at 40, NFD, CRLF and markdown bold headings',
    (t) =>
      rewrap(t, 40)
        .replace(/^([IVX]+\. .*)$/gm, '**$1**')
        .normalize('NFD')
        .replace(/\n/g, '\r\n'),
  ],
];

describe.each(SHIPPED)('the $id source', ({ id, province }) => {
  const dir = directory(province);
  const original = importPlanText(source(id), { fileName: `${id}.txt`, directory: dir });

  it.each(variants)('imports to the same plan when %s', (_name, transform) => {
    const text = transform(source(id));
    expect(text).not.toEqual(source(id));
    const changed = importPlanText(text, { fileName: `${id}.txt`, directory: dir });
    expect(withoutLines(changed.plan)).toEqual(withoutLines(original.plan));
    expect(changed.review.map((r) => r.field)).toEqual(original.review.map((r) => r.field));
  });
});
