// The business itself and its staff, under /platform/v1.
import { errorShape, ok } from '../http.js';
import type { Route } from '../router.js';
import { businessView, staffView } from '../views.js';

export const businessRoutes: readonly Route[] = [
  {
    method: 'GET',
    pattern: '/platform/v1/businesses/{business_uid}',
    auth: { staff: 'ok', directory: 'on-behalf', app: { status: 401, error: 'Unauthorized' } },
    handle: (ctx) => {
      const business = ctx.store.businesses.get(ctx.params.business_uid ?? '');
      if (!business) throw errorShape(404, 'Business not found');
      // A staff token, or a directory acting for one business, sees only that business.
      if (business.id !== ctx.businessId) throw errorShape(403, 'Forbidden');
      return ok({ business: businessView(business) });
    },
  },
  {
    method: 'GET',
    pattern: '/platform/v1/staffs',
    auth: { staff: 'ok', directory: 'on-behalf' },
    handle: (ctx) => {
      const staffs = [...ctx.store.staff.values()]
        .filter((s) => s.businessId === ctx.businessId)
        .map(staffView);
      return ok({ staffs });
    },
  },
];
