// The sandbox: a local, stateful emulator of the platform API that the docs in seeds/ exercise.
// Every platform route is served under the primary (`/apigw`) and the fallback (`/api2`) prefix;
// partners routes under `/v1/partners/`; admin routes under `/admin/v1/`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authorize, principalOf, type Scheme } from './auth.js';
import { credentialsFor, type SandboxCredentials } from './credentials.js';
import { ApiError, errorShape, parseBody, readRaw, send } from './http.js';
import { createRouter, type Router } from './router.js';
import { adminRoutes } from './routes/admin.js';
import { businessRoutes } from './routes/business.js';
import { clientApiRoutes } from './routes/client-api.js';
import { clientRoutes } from './routes/clients.js';
import { directoryRoutes } from './routes/directory.js';
import { messagingRoutes } from './routes/messaging.js';
import { partnerRoutes } from './routes/partners.js';
import { DEFAULT_SPAM_POLICY, type SpamPolicy } from './spam.js';
import { type Business, createStore, type Store, type TokenType } from './store.js';
import { businessAdminView } from './views.js';

export type { SandboxCredentials } from './credentials.js';

export interface SandboxOptions {
  /** Seed for deterministic ids. @default 1 */
  readonly seed?: number;
  /** An unverified business sending more than this many messages in the window is flagged. @default 500 */
  readonly spamThreshold?: number;
  /** @default 60000 */
  readonly spamWindowMs?: number;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Clock in ms, for tests of the spam window. @default Date.now */
  readonly now?: () => number;
  /** A health scenario (issue 12): what the sandbox breaks. @default - nothing */
  readonly fault?: SandboxFault;
  /**
   * The auth-drift scenario (issue 15): this route lets in a token type its doc says it refuses, acting
   * for the default business (a security regression the auth matrix must catch). @default - none
   */
  readonly authDrift?: AuthDrift;
}

export interface AuthDrift {
  readonly method: string;
  /** The route pattern as the sandbox declares it, e.g. `/platform/v1/conversations`. */
  readonly pattern: string;
  readonly tokenType: TokenType;
}

/** `npm start -- --scenario auth-drift`: the conversations list wrongly accepts the app token. */
export const AUTH_DRIFT: AuthDrift = {
  method: 'GET',
  pattern: '/platform/v1/conversations',
  tokenType: 'app',
};

/**
 * `outage`: requests whose path (after the gateway prefix) starts with `path` answer 500;
 * `gateway-down`: both gateways answer 503; `token-revoked`: every request made with a token of
 * this type answers 401.
 */
export type SandboxFault =
  | { readonly kind: 'outage'; readonly path: string }
  | { readonly kind: 'gateway-down' }
  | { readonly kind: 'token-revoked'; readonly tokenType: TokenType };

export type BusinessFlags = ReturnType<typeof businessAdminView>;

export interface Sandbox {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Primary gateway: `url + '/apigw'`. */
  readonly baseUrl: string;
  /** Fallback gateway: `url + '/api2'`. */
  readonly fallbackUrl: string;
  /** Partners base URL (paths start with `/v1/partners/`). */
  readonly partnersUrl: string;
  /** The tokens-file shape for the default business. */
  readonly tokens: SandboxCredentials;
  readonly adminToken: string;
  /** The default business (also `tokens.params.business_id`). */
  readonly businessId: string;
  flagBusiness(id?: string): void;
  unflagBusiness(id?: string): void;
  blockBusiness(id?: string): void;
  unblockBusiness(id?: string): void;
  verifyBusiness(id?: string): void;
  /** The remedy: a fresh business with its own staff and client tokens. */
  createBusiness(name?: string): { businessId: string; credentials: SandboxCredentials };
  business(id?: string): BusinessFlags | undefined;
  close(): Promise<void>;
}

const GATEWAYS: Record<string, 'primary' | 'fallback'> = { '/apigw': 'primary', '/api2': 'fallback' };

export async function createSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const store = createStore(opts.seed ?? 1, opts.now);
  const spam: SpamPolicy = {
    threshold: opts.spamThreshold ?? DEFAULT_SPAM_POLICY.threshold,
    windowMs: opts.spamWindowMs ?? DEFAULT_SPAM_POLICY.windowMs,
  };
  const main = store.createBusiness('Sandbox Studio');
  store.sharedTokens.directory = store.issueToken({ type: 'directory', directoryId: store.directoryId });
  store.sharedTokens.app = store.issueToken({ type: 'app' });
  const adminToken = store.issueToken({ type: 'admin' });
  store.sharedTokens.admin = adminToken;

  const platform = createRouter([
    ...clientRoutes,
    ...messagingRoutes,
    ...businessRoutes,
    ...directoryRoutes,
    ...clientApiRoutes,
  ]);
  const partners = createRouter(partnerRoutes);
  const admin = createRouter(adminRoutes);

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const e = err instanceof ApiError ? err : errorShape(500, 'Internal Server Error');
      if (!res.headersSent) send(res, e.status, e.body);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readRaw(req);
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const path = url.pathname;
    const prefix = /^\/(apigw|api2)(?=\/|$)/.exec(path)?.[0];
    let router: Router;
    let scheme: Scheme;
    let rest = path;
    let gateway: 'primary' | 'fallback' | undefined;
    if (prefix) {
      gateway = GATEWAYS[prefix];
      rest = path.slice(prefix.length) || '/';
      [router, scheme] = rest.includes('/partners/') ? [partners, 'partner'] : [platform, 'bearer'];
    } else if (path.startsWith('/admin/')) [router, scheme] = [admin, 'admin'];
    else if (path.includes('/partners/')) [router, scheme] = [partners, 'partner'];
    else throw errorShape(404, 'Not Found');

    const fault = opts.fault;
    if (fault?.kind === 'gateway-down' && gateway) throw errorShape(503, 'Service Unavailable');
    if (fault?.kind === 'outage' && gateway && rest.startsWith(fault.path)) {
      throw errorShape(500, 'Internal Server Error');
    }
    const match = router.match(req.method ?? 'GET', rest);
    if (match === undefined) throw errorShape(404, 'Not Found');
    if (match === 'method') throw errorShape(405, 'Method Not Allowed');
    // The real gateway cannot carry the auth context these routes need: it answers like this.
    if (gateway === 'primary' && match.route.fallbackOnly) throw errorShape(422, 'Unauthorized');
    const principal = principalOf(store, req.headers, scheme);
    if (fault?.kind === 'token-revoked' && principal.type === fault.tokenType)
      throw errorShape(401, 'Unauthorized');
    const drift = opts.authDrift;
    const drifted =
      drift?.tokenType === principal.type &&
      drift.method === match.route.method &&
      drift.pattern === match.route.pattern;
    const businessId = drifted ? main.business.id : authorize(store, match.route, principal, req.headers);
    const body = await parseBody(raw, req.headers['content-type']);
    const reply = await match.route.handle({
      store,
      spam,
      params: match.params,
      query: url.searchParams,
      body,
      headers: req.headers,
      principal,
      businessId,
    });
    send(res, reply.status, reply.body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseUrl: `${url}/apigw`,
    fallbackUrl: `${url}/api2`,
    partnersUrl: url,
    tokens: credentialsFor(store, main),
    adminToken,
    businessId: main.business.id,
    flagBusiness: (id) =>
      mutate(store, id ?? main.business.id, (b) => {
        b.spamFlagged = true;
      }),
    unflagBusiness: (id) =>
      mutate(store, id ?? main.business.id, (b) => {
        b.spamFlagged = false;
        store.sends.delete(b.id);
      }),
    blockBusiness: (id) =>
      mutate(store, id ?? main.business.id, (b) => {
        b.ownerBlocked = true;
      }),
    unblockBusiness: (id) =>
      mutate(store, id ?? main.business.id, (b) => {
        b.ownerBlocked = false;
      }),
    verifyBusiness: (id) =>
      mutate(store, id ?? main.business.id, (b) => {
        b.verified = true;
      }),
    createBusiness(name) {
      const bundle = store.createBusiness(name);
      return { businessId: bundle.business.id, credentials: credentialsFor(store, bundle) };
    },
    business(id) {
      const b = store.businesses.get(id ?? main.business.id);
      return b ? businessAdminView(b) : undefined;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function mutate(store: Store, id: string, apply: (b: Business) => void): void {
  const b = store.businesses.get(id);
  if (!b) throw new Error(`sandbox: no business ${id}`);
  apply(b);
}
