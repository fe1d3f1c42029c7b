// The partners API (`/v1/partners/...`, `Authorization: Token token="<directory token>"`).
import { errorShape, ok } from '../http.js';
import type { Context, Route } from '../router.js';
import type { Business } from '../store.js';

function account(ctx: Context): Business {
  const business = ctx.store.businesses.get(ctx.params.business_uid ?? '');
  if (!business || business.directoryId !== ctx.principal.directoryId)
    throw errorShape(404, 'Account not found');
  return business;
}

const view = (b: Business) => ({ business_uid: b.id, name: b.name, state: b.state });

export const partnerRoutes: readonly Route[] = [
  {
    method: 'GET',
    pattern: '/v1/partners/accounts/{business_uid}',
    auth: { directory: 'ok' },
    handle: (ctx) => ok({ account: view(account(ctx)) }),
  },
  {
    method: 'POST',
    pattern: '/v1/partners/accounts/{business_uid}/close',
    auth: { directory: 'ok' },
    handle: (ctx) => {
      const b = account(ctx);
      b.state = 'closed';
      return ok({ account: view(b) });
    },
  },
  {
    method: 'POST',
    pattern: '/v1/partners/accounts/{business_uid}/reopen',
    auth: { directory: 'ok' },
    handle: (ctx) => {
      const b = account(ctx);
      b.state = 'active';
      return ok({ account: view(b) });
    },
  },
];
