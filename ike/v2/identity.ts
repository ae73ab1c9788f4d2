/**
 * IKE identities (RFC 7296 §3.5) from `local-identity` / `remote-identity`, and the check of
 * the peer's ID. Junos default: our own address as ID_IPV4_ADDR / ID_IPV6_ADDR, and the peer's
 * address as the identity we expect from it (when remote-identity is not configured).
 */
import { addressFromText, addressToText } from '../../dataplane/packet/address.js';
import type { IkeIdentity } from '../config-model.js';
import { IdType } from '../wire/constants.js';
import type { IdPayload } from '../wire/types.js';

export interface Identity {
  readonly idType: number;
  readonly data: Uint8Array;
}

const utf8 = new TextEncoder();

export function addressIdentity(address: string): Identity | undefined {
  const a = addressFromText(address);
  if (!a.ok) return undefined;
  return { idType: a.value.length === 4 ? IdType.IPV4_ADDR : IdType.IPV6_ADDR, data: a.value };
}

/** The identity configured, or the address (default). Undefined when it cannot be expressed (DN without certificates). */
export function identityOf(id: IkeIdentity | undefined, address: string): Identity | undefined {
  if (id === undefined) return addressIdentity(address);
  switch (id.type) {
    case 'inet':
    case 'inet6':
      return addressIdentity(id.address);
    case 'hostname':
      return { idType: IdType.FQDN, data: utf8.encode(id.hostname) };
    case 'user-at-hostname':
      return { idType: IdType.RFC822_ADDR, data: utf8.encode(id.user) };
    case 'key-id':
      return { idType: IdType.KEY_ID, data: utf8.encode(id.keyId) };
    default:
      return undefined;
  }
}

/** ID payload body as AUTH covers it: ID Type | RESERVED (3) | data (RFC 7296 §2.15). */
export function idBody(id: Identity): Uint8Array {
  const out = new Uint8Array(4 + id.data.length);
  out[0] = id.idType;
  out.set(id.data, 4);
  return out;
}

export function sameIdentity(a: Identity, b: { readonly idType: number; readonly data: Uint8Array }): boolean {
  if (a.idType !== b.idType || a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

const ID_NAMES: Readonly<Record<number, string>> = { 1: 'ipv4', 2: 'hostname', 3: 'user-at-hostname', 5: 'ipv6', 9: 'distinguished-name', 11: 'key-id' };

/** `ipv4 198.51.100.20`, `hostname vpn.example.net`: type and value, for failure lines. */
export function identityDescription(id: { readonly idType: number; readonly data: Uint8Array }): string {
  const t = ID_NAMES[id.idType] ?? `type ${id.idType}`;
  const v = identityText(id);
  return v.startsWith(t) ? v : `${t} ${v}`;
}

/** `198.51.100.20`, `vpn.example.net` — for `Peer ike-id`. */
export function identityText(id: { readonly idType: number; readonly data: Uint8Array }): string {
  if ((id.idType === IdType.IPV4_ADDR && id.data.length === 4) || (id.idType === IdType.IPV6_ADDR && id.data.length === 16)) return addressToText(id.data);
  if (id.idType === IdType.FQDN || id.idType === IdType.RFC822_ADDR || id.idType === IdType.KEY_ID) return new TextDecoder().decode(id.data);
  return `${ID_NAMES[id.idType] ?? `type ${id.idType}`} ${Buffer.from(id.data).toString('hex')}`;
}

export function idPayload(kind: 'idi' | 'idr', id: Identity): IdPayload {
  return { kind, critical: false, idType: id.idType, data: id.data };
}
