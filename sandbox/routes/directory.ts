// The directory side of the documented remedy (FORMAT.md §9): directory token → new business →
// staff token → client. (The admin routes offer the same in one call.)
import { errorShape, isRecord, jsonObject, ok, stringField, validationShape } from '../http.js';
import type { Route } from '../router.js';
import { businessView, staffView } from '../views.js';

export const directoryRoutes: readonly Route[] = [
  {
    method: 'POST',
    pattern: '/platform/v1/businesses',
    auth: { directory: 'ok' },
    handle: (ctx) => {
      const raw = jsonObject(ctx.body).business;
      const name = isRecord(raw) ? stringField(raw, 'name') : undefined;
      if (!name)
        throw validationShape([
          { field: 'business.name', message: 'name is required', code: 'missing_parameter' },
        ]);
      const bundle = ctx.store.createBusiness(name);
      return ok({ business: businessView(bundle.business), owner: staffView(bundle.owner) }, 201);
    },
  },
  {
    method: 'POST',
    pattern: '/platform/v1/tokens',
    fallbackOnly: true,
    auth: { directory: 'on-behalf' },
    handle: (ctx) => {
      const body = jsonObject(ctx.body);
      const wanted = stringField(body, 'staff_id');
      const staff = [...ctx.store.staff.values()].find(
        (s) => s.businessId === ctx.businessId && (wanted ? s.id === wanted : s.role === 'owner'),
      );
      if (!staff) throw errorShape(422, 'Staff not found');
      const value = ctx.store.issueToken({ type: 'staff', businessId: ctx.businessId, staffId: staff.id });
      return ok({ token: { type: 'staff', value, staff_id: staff.id, business_id: ctx.businessId } }, 201);
    },
  },
];
