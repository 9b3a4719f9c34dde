import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocumentError } from './document';
import { runTool } from './tools';

/**
 * Converts a Word 97–2003 .doc to .docx with LibreOffice headless (its own throwaway profile, so conversions can
 * run side by side), for the .docx reader. Old .doc files are where TCVN3 and VNI text lives; the text keeps its
 * encoding through the conversion and is converted by the normaliser.
 */
export async function docToDocx(buffer: Buffer): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'dondoc-doc-'));
  try {
    const file = join(dir, 'document.doc');
    await writeFile(file, buffer);
    const profile = join(dir, 'profile');
    try {
      await runTool(
        'soffice',
        ['--headless', `-env:UserInstallation=file://${profile}`, '--convert-to', 'docx', '--outdir', dir, file],
        { timeoutMs: 180_000 },
      );
    } catch (err) {
      if ((err as Error).name !== 'DocumentError') throw err;
      throw new DocumentError(
        `tệp Word cũ (.doc): ${(err as Error).message}; hoặc mở bằng Word và lưu thành .docx rồi nhập lại`,
      );
    }
    try {
      return await readFile(join(dir, 'document.docx'));
    } catch {
      throw new DocumentError('tệp Word cũ (.doc) hỏng: LibreOffice không chuyển được sang .docx');
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
