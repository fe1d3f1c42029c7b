// Admin routes (`Authorization: Admin <token>`): set the flags the platform keeps on a business, and
// the documented remedy, a fresh business with its staff token and a client.
import { credentialsFor } from '../credentials.js';
import { errorShape, jsonObject, ok, stringField } from '../http.js';
import type { Context, Route } from '../router.js';
import type { Business } from '../store.js';
import { businessAdminView } from '../views.js';

const ADMIN = { admin: 'ok' } as const;

function business(ctx: Context): Business {
  const b = ctx.store.businesses.get(ctx.params.business_id ?? '');
  if (!b) throw errorShape(404, 'Business not found');
  return b;
}

const ACTIONS: Record<string, (b: Business) => void> = {
  flag: (b) => {
    b.spamFlagged = true;
  },
  unflag: (b) => {
    b.spamFlagged = false;
  },
  block: (b) => {
    b.ownerBlocked = true;
  },
  unblock: (b) => {
    b.ownerBlocked = false;
  },
  verify: (b) => {
    b.verified = true;
  },
  unverify: (b) => {
    b.verified = false;
  },
};

export const adminRoutes: readonly Route[] = [
  {
    method: 'GET',
    pattern: '/admin/v1/businesses/{business_id}',
    auth: ADMIN,
    handle: (ctx) => ok({ business: businessAdminView(business(ctx)) }),
  },
  ...Object.entries(ACTIONS).map(
    ([action, apply]): Route => ({
      method: 'POST',
      pattern: `/admin/v1/businesses/{business_id}/${action}`,
      auth: ADMIN,
      handle: (ctx) => {
        const b = business(ctx);
        apply(b);
        if (action === 'unflag') ctx.store.sends.delete(b.id);
        return ok({ business: businessAdminView(b) });
      },
    }),
  ),
  {
    method: 'POST',
    pattern: '/admin/v1/businesses',
    auth: ADMIN,
    handle: (ctx) => {
      const name = stringField(jsonObject(ctx.body), 'name');
      const bundle = ctx.store.createBusiness(name);
      return ok({ business: businessAdminView(bundle.business), ...credentialsFor(ctx.store, bundle) }, 201);
    },
  },
];
