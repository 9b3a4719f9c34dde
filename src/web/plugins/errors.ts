import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { outageMessage, outageOf, retryAfterSeconds } from '../../services/unavailable';

/** A refusal the client can act on: its status and a Vietnamese message, shown as a page or as problem+json. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly title?: string,
  ) {
    super(message);
  }
}

const titles: Record<number, string> = {
  400: 'Yêu cầu không hợp lệ',
  401: 'Cần đăng nhập',
  403: 'Không được phép',
  404: 'Không tìm thấy',
  405: 'Phương thức không được hỗ trợ',
  409: 'Xung đột',
  410: 'Đã hết hạn',
  413: 'Tệp quá lớn',
  415: 'Loại nội dung không được hỗ trợ',
  422: 'Không thể xử lý',
  429: 'Quá nhiều yêu cầu',
  500: 'Lỗi máy chủ',
  503: 'Dịch vụ tạm thời không sẵn sàng',
};

/** Messages of fastify's and its plugins' own errors, said in Vietnamese. */
function frameworkMessage(err: FastifyError): string | undefined {
  switch (err.code) {
    case 'FST_CSRF_INVALID_TOKEN':
    case 'FST_CSRF_MISSING_SECRET':
      return 'Biểu mẫu đã hết hiệu lực hoặc thiếu mã bảo vệ (CSRF). Hãy tải lại trang rồi gửi lại.';
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return 'Tệp đính kèm hoặc biểu mẫu vượt quá giới hạn cho phép.';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'Nội dung gửi lên quá lớn.';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Loại nội dung không được hỗ trợ.';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'Nội dung gửi lên không đọc được.';
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return 'Biểu mẫu phải gửi dạng multipart/form-data.';
    default:
      return undefined;
  }
}

/** True for requests that want JSON: the API, or a client that asks for it. */
export function wantsJson(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/') || !String(request.headers.accept ?? '').includes('text/html');
}

/** Sends a refusal as the client wants it: a Vietnamese page for browsers, `application/problem+json` for the API. */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  detail: string,
  extra: { title?: string; errors?: unknown } = {},
): FastifyReply {
  const title = extra.title ?? titles[status] ?? 'Lỗi';
  if (!request.url.startsWith('/api/') && typeof reply.page === 'function' && !wantsJson(request)) {
    return reply.page('error', { title, message: detail, status }, status);
  }
  return reply
    .code(status)
    .type('application/problem+json; charset=utf-8')
    .send({ type: 'about:blank', title, status, detail, ...(extra.errors ? { errors: extra.errors } : {}) });
}

/**
 * One error handler for the app: refusals keep their status and Vietnamese message; validation errors are 400 with
 * the fields at fault; Temporal or the database down is 503 with Retry-After; anything else is logged and answered
 * 500 without a stack trace or internal message.
 */
export const errorsPlugin = fp(async (app) => {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof HttpError) return sendProblem(request, reply, err.statusCode, err.message, { title: err.title });
    if (hasZodFastifySchemaValidationErrors(err)) {
      const errors = err.validation.map((v) => ({ path: v.instancePath || '/', message: v.message }));
      const where = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
      return sendProblem(request, reply, 400, `Dữ liệu không hợp lệ (${err.validationContext ?? 'body'}): ${where}`, {
        errors,
      });
    }
    if (err.validation) {
      return sendProblem(request, reply, 400, `Dữ liệu không hợp lệ: ${err.message}`);
    }
    // busboy's parse errors carry neither code nor status: a malformed upload is the client's fault, not a crash.
    if (/^(Multipart: |Malformed part header|Unexpected end of (form|multipart data))/.test(err.message ?? '')) {
      return sendProblem(request, reply, 400, 'Biểu mẫu gửi lên không đúng định dạng multipart/form-data.');
    }
    const known = frameworkMessage(err);
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 429) return sendProblem(request, reply, 429, 'Bạn gửi quá nhiều yêu cầu. Hãy thử lại sau ít phút.');
    if (status < 500) return sendProblem(request, reply, status, known ?? titles[status] ?? 'Yêu cầu không hợp lệ');
    const outage = outageOf(err);
    if (outage) {
      // Temporal or the database is down: nothing was decided, and the same request can come again.
      request.log.warn({ outage, message: err.message }, 'dependency unavailable');
      reply.header('retry-after', String(retryAfterSeconds));
      return sendProblem(request, reply, 503, outageMessage(outage));
    }
    request.log.error({ err }, 'request failed');
    return sendProblem(
      request,
      reply,
      500,
      'Đã có lỗi ở máy chủ. Hãy thử lại sau; nếu vẫn lỗi, báo cho quản trị viên.',
    );
  });
  app.setNotFoundHandler((request, reply) => sendProblem(request, reply, 404, 'Không có trang này.'));
});
