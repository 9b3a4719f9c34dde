import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger, type LogEntry } from '@temporalio/worker';

/** An activity context whose log lines are kept for assertions instead of printed; `run` keeps the result type. */
export function quietActivityEnv(): {
  env: MockActivityEnvironment;
  logs: LogEntry[];
  run<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R>;
} {
  const logs: LogEntry[] = [];
  const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('DEBUG', (entry) => logs.push(entry)) });
  const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> =>
    env.run<A, R, (...args: A) => Promise<R>>(fn, ...args);
  return { env, logs, run };
}
