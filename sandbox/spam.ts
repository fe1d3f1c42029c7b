// Spam flagging as the platform does it (seed doc, Known Issues): an unverified business that sends
// too many messages in a window gets `spammer` set; `business_allowed_to_send?` then refuses messages
// while the business is flagged and unverified, or while its owner user is blocked.
import type { Business, Store } from './store.js';

export interface SpamPolicy {
  /** More than this many messages inside the window flags the business. */
  readonly threshold: number;
  readonly windowMs: number;
}

/** High enough that a normal `npm start` (a handful of messages) never trips it. */
export const DEFAULT_SPAM_POLICY: SpamPolicy = { threshold: 500, windowMs: 60_000 };

/** `business_allowed_to_send?`: verified accounts bypass the spam flag, never a blocked user. */
export function allowedToSend(business: Business): boolean {
  const spammer = business.spamFlagged && !business.verified;
  return !spammer && !business.ownerBlocked;
}

/** Records one sent message and flags the business when it crosses the policy. */
export function recordSend(store: Store, policy: SpamPolicy, business: Business): void {
  const now = store.now();
  const recent = (store.sends.get(business.id) ?? []).filter((t) => now - t < policy.windowMs);
  recent.push(now);
  store.sends.set(business.id, recent);
  if (!business.verified && recent.length > policy.threshold) business.spamFlagged = true;
}
