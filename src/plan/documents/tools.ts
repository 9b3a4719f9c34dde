import { execFile } from 'node:child_process';
import { DocumentError } from './document';

/** The Debian package that provides each external program dondoc runs on documents. */
const PACKAGES: Record<string, string> = {
  pdftotext: 'poppler-utils',
  pdftoppm: 'poppler-utils',
  pdfinfo: 'poppler-utils',
  pdfimages: 'poppler-utils',
  tesseract: 'tesseract-ocr tesseract-ocr-vie',
  soffice: 'libreoffice-writer-nogui',
};

/** Runs a program on a document and returns its stdout; a missing program or a failure is a `DocumentError`. */
export function runTool(
  command: string,
  args: string[],
  options: { timeoutMs?: number; maxBuffer?: number; env?: Record<string, string> } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024,
        encoding: 'utf8',
        ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
      },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT')
          return reject(
            new DocumentError(
              `cần chương trình "${command}" để đọc tệp này nhưng máy chưa cài (apt-get install ${PACKAGES[command] ?? command})`,
            ),
          );
        if ((err as { killed?: boolean }).killed)
          return reject(new DocumentError(`"${command}" chạy quá lâu và đã bị dừng (timed out)`));
        const reason = String(stderr).trim().split('\n').slice(-2).join(' ').slice(0, 300);
        reject(new DocumentError(`"${command}" không đọc được tệp${reason ? `: ${reason}` : ''}`));
      },
    );
  });
}

/** Runs `work` on every item with at most `limit` at a time, keeping the order of the results. */
export async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  });
  await Promise.all(workers);
  return results;
}
