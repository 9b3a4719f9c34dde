import type { Client } from '@temporalio/client';
import type { Store } from '../activities/storage/store';
import type { LinkSigner } from '../access/links';
import type { LoadedPlan } from '../plan/load';
import type { ImportSettings } from '../services/plan-import';

/** Everything the web server needs, built once by `src/web/server.ts` (or by a test) and handed to `buildWebApp`. */
export interface WebDeps {
  /** Temporal client: queries and updates of the plan and task workflows. */
  temporal: Client;
  store: Store;
  /** The plans as the worker loads them (read again on each call, so an edited folder is seen without a restart). */
  plans: () => Promise<LoadedPlan[]>;
  /** Signs and verifies agencies' links and calendar feeds. */
  signer: LinkSigner;
  /** The server secret, from which cookie and session keys are derived. */
  secret: Uint8Array;
  /** The address agencies see (`DONDOC_PUBLIC_URL`), without a trailing slash. */
  publicUrl: string;
  /** The captured-mail folder on embedded defaults (the "Thư" page), absent with a real SMTP server. */
  mailDir?: string;
  /** The Temporal UI, for links to a workflow. */
  temporalUiUrl?: string;
  /** Namespace of `temporal`, for Temporal UI links. */
  namespace: string;
  clock?: () => Date;
  /** How long a report sent through a link waits for Temporal before the page says to send it again (15 s). */
  submitTimeoutMs?: number;
  /** Requests per minute per client address on the public routes (agencies' links, feeds, login). */
  publicRateLimit?: number;
  /** Log requests (tokens in paths are masked). */
  log?: boolean;
  /** Behind a load balancer: take the client address from X-Forwarded-For (`DONDOC_TRUST_PROXY`). */
  trustProxy?: boolean | string;
  /** The import page (issue 14): where plans are saved and drafts kept; without it the page is not offered. */
  imports?: ImportSettings;
}
