// The sandbox's in-memory data model: one process, one store. Ids come from the seed; tokens are random.
import { randomBytes } from 'node:crypto';
import { createIds, type IdSource } from './ids.js';

export type TokenType = 'staff' | 'client' | 'directory' | 'app' | 'admin';

export interface Principal {
  readonly type: TokenType;
  readonly businessId?: string;
  readonly staffId?: string;
  readonly clientId?: string;
  readonly directoryId?: string;
}

export interface Business {
  readonly id: string;
  readonly directoryId: string;
  name: string;
  verified: boolean;
  spamFlagged: boolean;
  /** The owner user's `blocked_at` is set: message creation is refused like a spam flag. */
  ownerBlocked: boolean;
  /** Partners API account state. */
  state: 'active' | 'closed';
  readonly createdAt: string;
}

export interface Staff {
  readonly id: string;
  readonly businessId: string;
  readonly first_name: string;
  readonly last_name: string;
  readonly email: string;
  readonly role: 'owner' | 'member';
  readonly active: boolean;
}

export interface Client {
  readonly id: string;
  readonly businessId: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  readonly created_at: string;
}

export interface Conversation {
  readonly uid: string;
  readonly businessId: string;
  readonly clientId: string;
  title: string;
  readonly created_at: string;
}

export interface Message {
  readonly id: number;
  readonly uid: string;
  readonly conversationUid: string;
  readonly staffId: string;
  readonly text: string;
  readonly direction: string;
  readonly channels: readonly string[];
  readonly created_at: string;
}

export interface Note {
  readonly uid: string;
  readonly clientId: string;
  readonly content: string;
  readonly created_at: string;
}

export interface StoredDocument {
  readonly uid: string;
  readonly clientId: string;
  readonly title: string;
  readonly filename: string;
  readonly content_type: string;
  readonly size: number;
  readonly created_at: string;
}

export interface Portal {
  readonly uid: string;
  readonly businessId: string;
  readonly title: string;
}

/** A fresh business with the people and tokens a doc run needs. */
export interface BusinessBundle {
  readonly business: Business;
  readonly owner: Staff;
  readonly client: Client;
  readonly portal: Portal;
  readonly staffToken: string;
  readonly clientToken: string;
}

export interface Store {
  readonly ids: IdSource;
  readonly now: () => number;
  readonly directoryId: string;
  readonly businesses: Map<string, Business>;
  readonly staff: Map<string, Staff>;
  readonly clients: Map<string, Client>;
  readonly conversations: Map<string, Conversation>;
  readonly messages: Message[];
  readonly notes: Map<string, Note>;
  readonly documents: Map<string, StoredDocument>;
  readonly portals: Map<string, Portal>;
  readonly tokens: Map<string, Principal>;
  /** Send times (ms) per business, for the spam window. */
  readonly sends: Map<string, number[]>;
  /** Tokens not tied to one business (directory, app, admin), by type. */
  readonly sharedTokens: Partial<Record<TokenType, string>>;
  isoNow(): string;
  issueToken(principal: Principal): string;
  createBusiness(name?: string): BusinessBundle;
  createClient(
    businessId: string,
    fields: Pick<Client, 'first_name' | 'last_name' | 'email' | 'phone'>,
  ): Client;
}

export function createStore(seed: number, now: () => number = Date.now): Store {
  const ids = createIds(seed);
  const directoryId = ids.uid();
  const isoNow = () => new Date(now()).toISOString();
  const store: Store = {
    ids,
    now,
    directoryId,
    businesses: new Map(),
    staff: new Map(),
    clients: new Map(),
    conversations: new Map(),
    messages: [],
    notes: new Map(),
    documents: new Map(),
    portals: new Map(),
    tokens: new Map(),
    sends: new Map(),
    sharedTokens: {},
    isoNow,
    issueToken(principal) {
      const value = `sbx_${principal.type}_${randomBytes(16).toString('hex')}`;
      store.tokens.set(value, principal);
      return value;
    },
    createClient(businessId, fields) {
      const client: Client = { id: ids.uid(), businessId, ...fields, created_at: isoNow() };
      store.clients.set(client.id, client);
      return client;
    },
    createBusiness(name = 'Sandbox Studio') {
      const business: Business = {
        id: ids.uid(),
        directoryId,
        name,
        verified: false,
        spamFlagged: false,
        ownerBlocked: false,
        state: 'active',
        createdAt: isoNow(),
      };
      store.businesses.set(business.id, business);
      const owner: Staff = {
        id: ids.uid(),
        businessId: business.id,
        first_name: 'Olive',
        last_name: 'Owner',
        email: `owner+${business.id}@example.com`,
        role: 'owner',
        active: true,
      };
      const member: Staff = {
        id: ids.uid(),
        businessId: business.id,
        first_name: 'Milo',
        last_name: 'Member',
        email: `member+${business.id}@example.com`,
        role: 'member',
        active: true,
      };
      store.staff.set(owner.id, owner);
      store.staff.set(member.id, member);
      const client = store.createClient(business.id, {
        first_name: 'Ada',
        last_name: 'Lovelace',
        email: `ada+${business.id}@example.com`,
        phone: '+15550000001',
      });
      store.createClient(business.id, {
        first_name: 'Grace',
        last_name: 'Hopper',
        email: `grace+${business.id}@example.com`,
        phone: '+15550000002',
      });
      const portal: Portal = { uid: ids.uid(), businessId: business.id, title: `${name} client portal` };
      store.portals.set(portal.uid, portal);
      const staffToken = store.issueToken({ type: 'staff', businessId: business.id, staffId: owner.id });
      const clientToken = store.issueToken({ type: 'client', businessId: business.id, clientId: client.id });
      return { business, owner, client, portal, staffToken, clientToken };
    },
  };
  return store;
}
