import { DefaultLogger, Runtime } from '@temporalio/worker';

// Worker state changes at INFO drown test output; keep warnings and errors.
try {
  Runtime.install({ logger: new DefaultLogger(process.env.DONDOC_TEST_LOG_LEVEL === 'debug' ? 'DEBUG' : 'WARN') });
} catch {
  // Already installed in this worker process by an earlier test file.
}
