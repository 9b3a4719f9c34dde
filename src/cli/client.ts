export { connectClient, withClient, TemporalUnavailableError, type DondocClient } from '../temporal/client';

/** A command that could not do what was asked, for a reason the user can act on; printed without a stack trace. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Runs a command's action: known failures print `dondoc: <message>` and set the exit code (2 bad input, 1 otherwise). */
export async function runCommand(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    const e = err as Error & { exitCode?: number };
    const known: Record<string, number> = {
      CommandError: e.exitCode ?? 1,
      TemporalUnavailableError: 1,
      PlanError: 1,
      LookupError: 1,
      UpdateRejectedError: 1,
      SubjectNotRunningError: 1,
      UsageError: 2,
    };
    if (!(e?.name in known)) throw err;
    console.error(`dondoc: ${e.message}`);
    process.exitCode = known[e.name];
  }
}
