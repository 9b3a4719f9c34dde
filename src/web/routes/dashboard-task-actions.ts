import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { adminAction, type AdminActionName, type AdminRequest } from '../../services/admin-actions';
import { parseSubjectKey } from '../../services/plan-snapshot';
import { requireAccount } from '../auth';
import { HttpError } from '../plugins/errors';
import { field } from './dashboard-common';
import { renderTaskPage } from './dashboard-tasks';

type Params = { planId: string; subjectKey: string };

/** The action each URL word names. */
export const ACTIONS: Record<string, AdminActionName> = {
  'gia-han': 'extend',
  'tam-dung': 'pause',
  'tiep-tuc': 'resume',
  'dong-ky': 'close',
  'dia-chi': 'recipients',
  'nhac-lai': 'resend',
  huy: 'cancel',
};

/** A date as officers write it (dd/mm/yyyy, also d/m/yyyy) or as a date field sends it (YYYY-MM-DD), as YYYY-MM-DD. */
export function isoFromForm(text: string): string {
  const vi = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  if (!vi) return text;
  return `${vi[3]}-${vi[2].padStart(2, '0')}-${vi[1].padStart(2, '0')}`;
}

/** Why an action was refused, for the form: the workflow's own reason, or what to fix in the input. */
function refusal(err: unknown): { status: number; message: string } | undefined {
  const e = err as Error & { reason?: string };
  switch (e.name) {
    case 'UpdateRejectedError':
      return { status: 422, message: `Quy trình từ chối: ${e.reason ?? e.message}` };
    case 'AdminInputError':
    case 'LookupError':
      return { status: 422, message: capitalize(e.message) };
    case 'SubjectNotRunningError':
      return { status: 409, message: capitalize(e.message) };
    default:
      return undefined;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The admin actions of the Nhiệm vụ page: one POST form each (CSRF-checked by the app, admin accounts only), run
 * through `services/admin-actions` with the logged-in account as `by`. Done → back to the page (303); refused → the
 * page again (422) with the workflow's message and the form as it was sent.
 */
export async function adminActionRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Params: Params & { action: string } }>(
    '/ke-hoach/:planId/nhiem-vu/:subjectKey/:action',
    { preHandler: requireAccount('admin') },
    async (request: FastifyRequest<{ Params: Params & { action: string } }>, reply: FastifyReply) => {
      const name = ACTIONS[request.params.action];
      const subject = parseSubjectKey(request.params.subjectKey);
      if (!name || !subject) throw new HttpError(404, 'Không có việc này.');
      const body = request.body;
      const values = {
        reason: field(body, 'ly-do'),
        period: field(body, 'ky'),
        to: field(body, 'han-moi'),
        agency: field(body, 'co-quan'),
        emails: field(body, 'dia-chi'),
      };
      const target = {
        planId: request.params.planId,
        ...(subject.type === 'task' ? { task: subject.taskId } : { deliverable: subject.deadlineId }),
        // The account acting, never a name typed in the form.
        by: request.account!.name,
        reason: values.reason,
      };
      const kept = (status: number, error: string) =>
        renderTaskPage(request, reply, { status, action: request.params.action, error, values });
      // The pages ask a reason for every action (the CLI may resume or change addresses without one).
      if (!values.reason) return kept(422, 'Cần ghi lý do.');
      let action: AdminRequest;
      switch (name) {
        case 'extend':
          action = { action: 'extend', ...target, period: values.period || undefined, to: isoFromForm(values.to) };
          break;
        case 'close':
          action = { action: 'close', ...target, period: values.period || undefined };
          break;
        case 'resend':
          action = {
            action: 'resend',
            ...target,
            period: values.period || undefined,
            agency: values.agency || undefined,
          };
          break;
        case 'recipients':
          action = {
            action: 'recipients',
            ...target,
            agency: values.agency,
            emails: values.emails.split(/[\s,;]+/).filter(Boolean),
          };
          break;
        default:
          action = { action: name, ...target } as AdminRequest;
      }
      try {
        await adminAction(app.deps.temporal, await app.deps.plans(), action);
      } catch (err) {
        const refused = refusal(err);
        if (!refused) throw err;
        return kept(refused.status, refused.message);
      }
      const back = `/ke-hoach/${encodeURIComponent(request.params.planId)}/nhiem-vu/${encodeURIComponent(request.params.subjectKey)}`;
      return reply.code(303).redirect(`${back}?xong=${request.params.action}`, 303);
    },
  );
}
