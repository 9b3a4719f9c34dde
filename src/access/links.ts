import { SignJWT, errors, jwtVerify } from 'jose';
import type { Subject } from '../activities/types';

/** What a personal submission link is bound to: one agency's report for one occurrence of one task or deliverable. */
export interface SubmissionTarget {
  planId: string;
  subject: Subject;
  occurrenceId: string;
  agency: string;
}

/** Why a link was refused; the page says it in Vietnamese and records nothing. */
export type LinkRefusal = 'malformed' | 'tampered' | 'expired' | 'wrong-purpose';

/** A link that does not verify. */
export class LinkError extends Error {
  override readonly name = 'LinkError';
  constructor(readonly refusal: LinkRefusal) {
    super(refusalText[refusal]);
  }
}

const refusalText: Record<LinkRefusal, string> = {
  malformed: 'Đường dẫn không đầy đủ hoặc đã bị cắt. Hãy mở đúng đường dẫn trong thư đôn đốc.',
  tampered: 'Đường dẫn không hợp lệ (chữ ký không đúng). Hãy mở đúng đường dẫn trong thư đôn đốc.',
  expired: 'Đường dẫn đã hết hạn. Kỳ báo cáo này đã kết thúc; hãy liên hệ cơ quan đầu mối nếu cần gửi bổ sung.',
  'wrong-purpose': 'Đường dẫn này không dùng cho trang này.',
};

const ISSUER = 'dondoc';
const ALGORITHM = 'HS256';

function subjectClaim(subject: Subject): string {
  return subject.type === 'task' ? `t:${subject.taskId}` : `d:${subject.deadlineId}`;
}

function subjectFromClaim(value: unknown): Subject | undefined {
  if (typeof value !== 'string') return undefined;
  const [type, id] = [value.slice(0, 2), value.slice(2)];
  if (!id) return undefined;
  if (type === 't:') return { type: 'task', taskId: id };
  if (type === 'd:') return { type: 'deliverable', deadlineId: id };
  return undefined;
}

/**
 * Signs and verifies the tokens in agencies' links (HS256 JWTs with the server secret, via jose): a submission token
 * binds plan, subject, period and agency and expires at a given instant; a calendar token binds an agency and does not
 * expire (a subscribed calendar keeps its URL for years; rotating the secret revokes every feed at once).
 */
export function createLinkSigner(secret: Uint8Array) {
  async function verify(token: string, purpose: 'submit' | 'calendar') {
    if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) throw new LinkError('malformed');
    try {
      const { payload } = await jwtVerify(token, secret, { issuer: ISSUER, algorithms: [ALGORITHM] });
      if (payload.use !== purpose) throw new LinkError('wrong-purpose');
      return payload;
    } catch (err) {
      if (err instanceof LinkError) throw err;
      if (err instanceof errors.JWTExpired) throw new LinkError('expired');
      if (err instanceof errors.JWSSignatureVerificationFailed) throw new LinkError('tampered');
      throw new LinkError('malformed');
    }
  }

  return {
    /** A token for `target`, valid until `expiresAt`. */
    async submissionToken(target: SubmissionTarget, expiresAt: Date): Promise<string> {
      return new SignJWT({
        use: 'submit',
        p: target.planId,
        s: subjectClaim(target.subject),
        o: target.occurrenceId,
        a: target.agency,
      })
        .setProtectedHeader({ alg: ALGORITHM })
        .setIssuer(ISSUER)
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(secret);
    },

    /** The target of a valid, unexpired submission token; `LinkError` otherwise. */
    async verifySubmission(token: string): Promise<SubmissionTarget & { expiresAt: Date }> {
      const payload = await verify(token, 'submit');
      const subject = subjectFromClaim(payload.s);
      const { p, o, a, exp } = payload as Record<string, unknown>;
      if (
        !subject ||
        typeof p !== 'string' ||
        typeof o !== 'string' ||
        typeof a !== 'string' ||
        typeof exp !== 'number'
      ) {
        throw new LinkError('malformed');
      }
      return { planId: p, subject, occurrenceId: o, agency: a, expiresAt: new Date(exp * 1000) };
    },

    /** A token for one agency's calendar feed. */
    async calendarToken(agency: string): Promise<string> {
      return new SignJWT({ use: 'calendar', a: agency })
        .setProtectedHeader({ alg: ALGORITHM })
        .setIssuer(ISSUER)
        .sign(secret);
    },

    /** The agency of a valid calendar token. */
    async verifyCalendar(token: string): Promise<{ agency: string }> {
      const payload = await verify(token, 'calendar');
      if (typeof payload.a !== 'string') throw new LinkError('malformed');
      return { agency: payload.a };
    },
  };
}

export type LinkSigner = ReturnType<typeof createLinkSigner>;
