import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** `python3 -m venv` works here (the fuzz script installs schemathesis into a virtualenv). */
function venvAvailable(): boolean {
  return spawnSync(process.env.PYTHON || 'python3', ['-m', 'venv', '--help'], { stdio: 'ignore' }).status === 0;
}

// In CI always (a missing venv module fails the test there); locally only where a virtualenv can be made.
const maybe = process.env.CI || venvAvailable() ? describe : describe.skip;

maybe('schemathesis against the served OpenAPI document and the public routes', () => {
  it('finds no request the API or a public page answers with a 5xx or an undocumented status, and records only accepted reports', async () => {
    const script = join(__dirname, '..', '..', 'scripts', 'fuzz-api.sh');
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn('bash', [script], {
        env: {
          ...process.env,
          FUZZ_TIME_LIMIT: '170',
          FUZZ_PUBLIC_TIME_LIMIT: '80',
          FUZZ_CHECKS: 'not_a_server_error,status_code_conformance,content_type_conformance',
        },
        stdio: 'pipe',
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.on('error', reject);
      child.on('close', (exit) => resolve({ code: exit, output }));
    });
    if (code !== 0) console.error(output.slice(-20_000));
    // The number of cases each run tried, for the CI log: schemathesis's summaries and the public routes' tally.
    const summaries = output.split('\n').filter((l) => /\d+ generated|public routes: \d+ requests/.test(l));
    console.log(`schemathesis cases tried:\n${summaries.join('\n')}`);
    expect(code).toBe(0);
    expect(summaries.filter((l) => /\d+ generated, \d+ passed/.test(l))).toHaveLength(2);
    expect(output).toMatch(/public routes: \d+ requests, .*; (\d+) reports accepted \(303\), \1 new in the store/);
  }, 600_000);
});
