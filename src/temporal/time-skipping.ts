import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalTestServerPath } from './binaries';

const libfaketimeCandidates = [
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/faketime/libfaketime.so.1',
];

/** libfaketime's path (`DONDOC_LIBFAKETIME` overrides), or a clear error naming the package to install. */
export function libfaketimePath(): string {
  const found = [process.env.DONDOC_LIBFAKETIME, ...libfaketimeCandidates].find((p) => p && existsSync(p));
  if (!found) {
    throw new Error(
      'libfaketime is needed to start the time-skipping server at a past date (Debian: apt-get install libfaketime), ' +
        'or set DONDOC_LIBFAKETIME to its path.',
    );
  }
  return found;
}

/** A time-skipping environment and the folder of its launcher, removed at teardown. */
export interface TimeSkippingAt {
  env: TestWorkflowEnvironment;
  teardown(): Promise<void>;
}

/**
 * The time-skipping test server with its clock starting at `start` instead of now, so a plan of 2019 or 2025 can be
 * run from its first day. The server takes its initial time from the system clock; libfaketime shifts that clock for
 * the server process alone by a constant offset.
 */
export async function createTimeSkippingEnvAt(start: Date): Promise<TimeSkippingAt> {
  const dir = mkdtempSync(join(tmpdir(), 'dondoc-timeskip-'));
  const launcher = join(dir, 'test-server.sh');
  // A constant offset (not an absolute "@" start): the server's monotonic clock moves with it, which keeps it fast.
  const offsetSeconds = Math.floor((Date.now() - start.getTime()) / 1000);
  const spec = offsetSeconds >= 0 ? `-${offsetSeconds}` : `+${-offsetSeconds}`;
  writeFileSync(
    launcher,
    [
      '#!/bin/sh',
      `export LD_PRELOAD='${libfaketimePath()}' FAKETIME='${spec}' TZ=UTC`,
      `exec '${temporalTestServerPath()}' "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  try {
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: launcher } },
    });
    return {
      env,
      teardown: async () => {
        await env.teardown();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
