/** Which dependency did not answer: the Temporal server, or the database behind the store. */
export type Outage = 'temporal' | 'database';

// gRPC status codes of a server that is down or did not answer in time (UNAVAILABLE, DEADLINE_EXCEEDED).
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

// Node's socket errors and PostgreSQL's SQLSTATEs of a server that is stopping, stopped or unreachable.
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);
const postgresStates = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);

function causes(err: unknown): Array<Record<string, unknown>> {
  const chain: Array<Record<string, unknown>> = [];
  for (let e: unknown = err; e && typeof e === 'object' && chain.length < 10; e = (e as { cause?: unknown }).cause) {
    chain.push(e as Record<string, unknown>);
    // pg and AggregateError (a refused connection on ::1 and 127.0.0.1) keep the socket errors in `errors`.
    const inner = (e as { errors?: unknown }).errors;
    if (Array.isArray(inner)) chain.push(...inner.filter((i) => i && typeof i === 'object'));
  }
  return chain;
}

/**
 * The dependency a failure says is down or too slow, if that is what it says: such a failure is temporary, nothing was
 * decided, and the same request can be sent again later (a page answers 503, the SMTP listener 451, an activity
 * retries). Undefined for every other failure (a bug, bad input), which must not be hidden as "try again".
 */
export function outageOf(err: unknown): Outage | undefined {
  for (const e of causes(err)) {
    const name = typeof e.name === 'string' ? e.name : '';
    const code = e.code;
    const message = typeof e.message === 'string' ? e.message : '';
    if (name === 'WorkflowUpdateRPCTimeoutOrCancelledError') return 'temporal';
    // A gRPC ServiceError has a numeric code and metadata; the store's errors never do.
    if ((code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED) && 'metadata' in e) return 'temporal';
    if (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code)) return 'database';
    if (typeof code === 'string' && postgresStates.has(code)) return 'database';
    if (typeof code === 'string' && socketCodes.has(code)) return 'database';
    if (
      /^Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(
        message,
      )
    )
      return 'database';
  }
  return undefined;
}

/** What a person is told when `outage` stopped their request: nothing was lost by it, and when to try again. */
export function outageMessage(outage: Outage): string {
  return outage === 'temporal'
    ? 'Hệ thống tạm thời không kết nối được máy chủ quy trình (Temporal). Xin thử lại sau ít phút.'
    : 'Hệ thống tạm thời không kết nối được cơ sở dữ liệu. Xin thử lại sau ít phút.';
}

/** Seconds a client is asked to wait before it tries again (the Retry-After header of a 503). */
export const retryAfterSeconds = 30;
