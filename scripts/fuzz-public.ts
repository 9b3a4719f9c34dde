/**
 * Helper of scripts/fuzz-api.sh for the public routes, run with tsx against the scratch deployment of `dondoc up`
 * (DONDOC_HOME, TEMPORAL_ADDRESS):
 *
 *   tsx scripts/fuzz-public.ts links PLAN_ID      JSON { planId, agency, submit, calendar }: signed tokens for an agency
 *                                                 that owes a report now (a coordinator, so that a report does not
 *                                                 close the period), waiting for the plan's workflows to be running
 *   tsx scripts/fuzz-public.ts openapi TOKEN CAL  the OpenAPI 3.1 document of the public routes, on stdout
 *   tsx scripts/fuzz-public.ts reports PLAN_ID    JSON [reportId, …] of the reports the store holds for the plan
 */
import { createLinkSigner } from '../src/access/links';
import { loadServerSecret } from '../src/access/secret';
import { openStore, storeConfigFromEnv } from '../src/activities/storage';
import { loadPlans } from '../src/plan/load';
import { envWithDataHome, plansDirFromEnv } from '../src/services/data-home';
import { querySubject } from '../src/services/subject-updates';
import { connectClient } from '../src/temporal/client';
import { subjectWorkflowId, type SubjectView } from '../src/workflows/contract';

const env = envWithDataHome(process.env);

async function links(planId: string): Promise<void> {
  const { plan } = (await loadPlans(plansDirFromEnv(env))).find((p) => p.plan.id === planId) ?? {};
  if (!plan) throw new Error(`plan ${planId} not found`);
  const { client, close } = await connectClient(env);
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      for (const task of plan.tasks) {
        const subject = { type: 'task' as const, taskId: task.id };
        let view: SubjectView;
        try {
          view = await querySubject(client, subjectWorkflowId(planId, subject));
        } catch {
          continue;
        }
        const agency = view.coordinators.find((c) => view.current?.owing.includes(c)) ?? view.current?.owing[0];
        if (!view.current || !agency) continue;
        const signer = createLinkSigner(await loadServerSecret(env));
        const target = { planId, subject, occurrenceId: view.current.id, agency };
        const submit = await signer.submissionToken(target, new Date(Date.now() + 86_400_000));
        console.log(JSON.stringify({ planId, agency, submit, calendar: await signer.calendarToken(agency) }));
        return;
      }
      if (Date.now() > deadline) throw new Error(`no task of ${planId} has an open period with an agency owing`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  } finally {
    await close();
  }
}

/** The public routes as OpenAPI 3.1: the agency's page and form (with a real link), the feed, the login, health. */
function openapi(submit: string, calendar: string): void {
  const html = { 'text/html': { schema: { type: 'string' } } };
  const page = (...codes: number[]) =>
    Object.fromEntries(codes.map((c) => [String(c), { description: `HTTP ${c}`, content: html }]));
  const form = {
    type: 'object',
    properties: {
      text: { type: 'string', maxLength: 200_000 },
      file: { type: 'string', format: 'binary' },
    },
  };
  const doc = {
    openapi: '3.1.0',
    info: { title: 'dondoc public routes', version: '1.0.0' },
    paths: {
      [`/bao-cao/${submit}`]: {
        get: { operationId: 'submissionPage', responses: page(200, 409, 410) },
        post: {
          operationId: 'submitReport',
          requestBody: {
            required: true,
            content: {
              'multipart/form-data': { schema: form },
              'application/x-www-form-urlencoded': {
                schema: { type: 'object', properties: { text: { type: 'string' } } },
              },
            },
          },
          responses: {
            '303': { description: 'received: the receipt page' },
            ...page(400, 403, 409, 410, 413, 415, 422),
          },
        },
      },
      '/bao-cao/{link}': {
        parameters: [{ name: 'link', in: 'path', required: true, schema: { type: 'string' } }],
        get: { operationId: 'submissionPageAnyLink', responses: page(200, 400, 403, 404, 410) },
        post: {
          operationId: 'submitReportAnyLink',
          requestBody: { content: { 'multipart/form-data': { schema: form } } },
          responses: page(400, 403, 404, 405, 410, 413, 415, 422),
        },
      },
      [`/bao-cao/${submit}/bien-nhan/{reportId}`]: {
        parameters: [{ name: 'reportId', in: 'path', required: true, schema: { type: 'string' } }],
        get: { operationId: 'receipt', responses: page(200, 404) },
      },
      [`/lich/${calendar}.ics`]: {
        get: {
          operationId: 'calendarFeed',
          responses: {
            '200': { description: 'iCalendar', content: { 'text/calendar': { schema: { type: 'string' } } } },
          },
        },
      },
      '/lich/{feed}': {
        parameters: [{ name: 'feed', in: 'path', required: true, schema: { type: 'string' } }],
        get: { operationId: 'calendarFeedAnyLink', responses: page(200, 400, 403, 404) },
      },
      '/dang-nhap': {
        get: {
          operationId: 'loginPage',
          parameters: [{ name: 'next', in: 'query', schema: { type: 'string' } }],
          responses: page(200),
        },
        post: {
          operationId: 'login',
          requestBody: {
            required: true,
            content: {
              'application/x-www-form-urlencoded': {
                schema: {
                  type: 'object',
                  properties: { name: { type: 'string' }, password: { type: 'string' }, next: { type: 'string' } },
                },
              },
            },
          },
          responses: { '303': { description: 'signed in' }, ...page(400, 401, 403, 415, 429) },
        },
      },
      '/healthz': {
        get: {
          operationId: 'health',
          responses: {
            '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } },
            '503': { description: 'unavailable', content: { 'application/json': { schema: { type: 'object' } } } },
          },
        },
      },
    },
  };
  console.log(JSON.stringify(doc, null, 2));
}

async function reports(planId: string): Promise<void> {
  const store = await openStore(storeConfigFromEnv(env));
  try {
    console.log(JSON.stringify((await store.listReports({ planId })).map((r) => r.reportId)));
  } finally {
    await store.close();
  }
}

const [command, a, b] = process.argv.slice(2);
const run =
  command === 'links'
    ? links(a)
    : command === 'openapi'
      ? Promise.resolve(openapi(a, b))
      : command === 'reports'
        ? reports(a)
        : undefined;
if (!run) {
  console.error('usage: fuzz-public.ts links PLAN_ID | openapi SUBMIT_TOKEN CALENDAR_TOKEN | reports PLAN_ID');
  process.exit(2);
}
run.catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
