// The client portal API (client tokens): portals, and the share-documents form whose 422 with an
// `auto_reply_message` is the second documented spam form (FORMAT.md §9).
import { ApiError, errorShape, isRecord, jsonObject, ok, stringField, validationShape } from '../http.js';
import type { Route } from '../router.js';
import { allowedToSend } from '../spam.js';

const AUTO_REPLY = 'Thank you! We received your documents and will get back to you shortly.';

export const clientApiRoutes: readonly Route[] = [
  {
    method: 'GET',
    pattern: '/client_api/v1/portals',
    auth: { client: 'ok' },
    handle: (ctx) => {
      const portals = [...ctx.store.portals.values()]
        .filter((p) => p.businessId === ctx.businessId)
        .map((p) => ({ uid: p.uid, title: p.title }));
      return ok({ portals });
    },
  },
  {
    method: 'POST',
    pattern: '/client_api/v1/portals/{uid}/share_documents_form/submit',
    auth: { client: 'ok', staff: { status: 401, error: 'Unauthorized' } },
    handle: (ctx) => {
      const portal = ctx.store.portals.get(ctx.params.uid ?? '');
      if (!portal || portal.businessId !== ctx.businessId) throw errorShape(404, 'Portal not found');
      const form = jsonObject(ctx.body).form_data;
      const message = isRecord(form) ? stringField(form, 'message') : undefined;
      if (!message) {
        throw validationShape([
          { field: 'form_data.message', message: 'message is required', code: 'missing_parameter' },
        ]);
      }
      const business = ctx.store.businesses.get(portal.businessId);
      // The form still "answers" a flagged business, but with 422 and no errors: the auto-reply only.
      if (!business || !allowedToSend(business)) {
        throw new ApiError(422, { status: 'Error', data: { auto_reply_message: AUTO_REPLY } });
      }
      return ok({ submission_uid: ctx.store.ids.uid(), auto_reply_message: AUTO_REPLY });
    },
  },
];
