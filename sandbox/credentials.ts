// The tokens-file shape (`{ tokens, params }`, lambda/engine/target.ts Credentials) for one business.
import type { BusinessBundle, Store } from './store.js';

export interface SandboxCredentials {
  tokens: Record<string, string>;
  params: Record<string, unknown>;
}

export function credentialsFor(store: Store, bundle: BusinessBundle): SandboxCredentials {
  const tokens: Record<string, string> = { staff: bundle.staffToken, client: bundle.clientToken };
  for (const [type, value] of Object.entries(store.sharedTokens)) if (value) tokens[type] = value;
  return {
    tokens,
    params: {
      business_id: bundle.business.id,
      business_uid: bundle.business.id,
      staff_id: bundle.owner.id,
      staff_uid: bundle.owner.id,
      client_id: bundle.client.id,
      client_uid: bundle.client.id,
      directory_id: store.directoryId,
      portal_uid: bundle.portal.uid,
    },
  };
}
