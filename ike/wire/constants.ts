/**
 * IKEv2 numbers on the wire (RFC 7296 §3 and the IANA registry "Internet Key Exchange Version 2
 * (IKEv2) Parameters"), plus the few later RFCs Junos speaks: RFC 7383 (fragmentation), RFC 7427
 * (digital signature auth), RFC 4754 (ECDSA auth), RFC 5282 / RFC 7634 (AEAD in SK), RFC 4555
 * (MOBIKE notifies), RFC 7619 (NULL auth/ID).
 *
 * Plain frozen objects of numbers: the codec reads bytes into numbers and compares, so no enum
 * objects or strings are made per packet. `*_NAMES` maps serve logs and tests only.
 */

/** Fixed IKE header length (RFC 7296 §3.1). */
export const IKE_HEADER_LENGTH = 28;
/** Generic payload header length (RFC 7296 §3.2). */
export const PAYLOAD_HEADER_LENGTH = 4;
/** The IKE SPI length (RFC 7296 §3.1). */
export const IKE_SPI_LENGTH = 8;
/** IKEv2 is major version 2, minor 0 (RFC 7296 §3.1). */
export const IKE_MAJOR_VERSION = 2;
export const IKE_MINOR_VERSION = 0;

/** Exchange types (RFC 7296 §3.1). */
export const ExchangeType = Object.freeze({
  IKE_SA_INIT: 34,
  IKE_AUTH: 35,
  CREATE_CHILD_SA: 36,
  INFORMATIONAL: 37,
} as const);

/** Header flag bits (RFC 7296 §3.1): I(nitiator) bit 3, V(ersion) bit 4, R(esponse) bit 5. */
export const HeaderFlag = Object.freeze({ INITIATOR: 0x08, VERSION: 0x10, RESPONSE: 0x20 } as const);

/** Payload types (RFC 7296 §3.2, RFC 7383 §2.5). 0 ends a chain. */
export const PayloadType = Object.freeze({
  NONE: 0,
  SA: 33,
  KE: 34,
  IDi: 35,
  IDr: 36,
  CERT: 37,
  CERTREQ: 38,
  AUTH: 39,
  NONCE: 40,
  NOTIFY: 41,
  DELETE: 42,
  VENDOR_ID: 43,
  TSi: 44,
  TSr: 45,
  SK: 46,
  CP: 47,
  EAP: 48,
  SKF: 53,
} as const);

/** The critical bit in the second octet of the generic payload header (RFC 7296 §3.2). */
export const CRITICAL_BIT = 0x80;

/**
 * Notify message types (RFC 7296 §3.10.1 and IANA). Below 16384 an error, from 16384 a status.
 */
export const NotifyType = Object.freeze({
  // errors
  UNSUPPORTED_CRITICAL_PAYLOAD: 1,
  INVALID_IKE_SPI: 4,
  INVALID_MAJOR_VERSION: 5,
  INVALID_SYNTAX: 7,
  INVALID_MESSAGE_ID: 9,
  INVALID_SPI: 11,
  NO_PROPOSAL_CHOSEN: 14,
  INVALID_KE_PAYLOAD: 17,
  AUTHENTICATION_FAILED: 24,
  SINGLE_PAIR_REQUIRED: 34,
  NO_ADDITIONAL_SAS: 35,
  INTERNAL_ADDRESS_FAILURE: 36,
  FAILED_CP_REQUIRED: 37,
  TS_UNACCEPTABLE: 38,
  INVALID_SELECTORS: 39,
  UNACCEPTABLE_ADDRESSES: 40, // RFC 4555
  UNEXPECTED_NAT_DETECTED: 41, // RFC 4555
  USE_ASSIGNED_HoA: 42, // RFC 5026
  TEMPORARY_FAILURE: 43,
  CHILD_SA_NOT_FOUND: 44,
  // status
  INITIAL_CONTACT: 16384,
  SET_WINDOW_SIZE: 16385,
  ADDITIONAL_TS_POSSIBLE: 16386,
  IPCOMP_SUPPORTED: 16387,
  NAT_DETECTION_SOURCE_IP: 16388,
  NAT_DETECTION_DESTINATION_IP: 16389,
  COOKIE: 16390,
  USE_TRANSPORT_MODE: 16391,
  HTTP_CERT_LOOKUP_SUPPORTED: 16392,
  REKEY_SA: 16393,
  ESP_TFC_PADDING_NOT_SUPPORTED: 16394,
  NON_FIRST_FRAGMENTS_ALSO: 16395,
  MOBIKE_SUPPORTED: 16396, // RFC 4555
  ADDITIONAL_IP4_ADDRESS: 16397,
  ADDITIONAL_IP6_ADDRESS: 16398,
  NO_ADDITIONAL_ADDRESSES: 16399,
  UPDATE_SA_ADDRESSES: 16400,
  COOKIE2: 16401,
  NO_NATS_ALLOWED: 16402,
  AUTH_LIFETIME: 16403, // RFC 4478
  MULTIPLE_AUTH_SUPPORTED: 16404, // RFC 4739
  ANOTHER_AUTH_FOLLOWS: 16405,
  REDIRECT_SUPPORTED: 16406, // RFC 5685
  REDIRECT: 16407,
  REDIRECTED_FROM: 16408,
  EAP_ONLY_AUTHENTICATION: 16417, // RFC 5998
  CHILDLESS_IKEV2_SUPPORTED: 16418, // RFC 6023
  QUICK_CRASH_DETECTION: 16419, // RFC 6290
  IKEV2_FRAGMENTATION_SUPPORTED: 16430, // RFC 7383
  SIGNATURE_HASH_ALGORITHMS: 16431, // RFC 7427
} as const);

/** Notify types below this are errors (RFC 7296 §3.10.1). */
export const NOTIFY_STATUS_MIN = 16384;

export function isErrorNotify(type: number): boolean {
  return type > 0 && type < NOTIFY_STATUS_MIN;
}

/** Identification types (RFC 7296 §3.5, RFC 4595, RFC 7619). */
export const IdType = Object.freeze({
  IPV4_ADDR: 1,
  FQDN: 2,
  RFC822_ADDR: 3,
  IPV6_ADDR: 5,
  DER_ASN1_DN: 9,
  DER_ASN1_GN: 10,
  KEY_ID: 11,
  FC_NAME: 12,
  NULL: 13,
} as const);

/** Certificate encodings (RFC 7296 §3.6, RFC 4806, RFC 7670). */
export const CertEncoding = Object.freeze({
  PKCS7_X509: 1,
  PGP: 2,
  DNS_SIGNED_KEY: 3,
  X509_SIGNATURE: 4,
  KERBEROS_TOKEN: 6,
  CRL: 7,
  ARL: 8,
  SPKI: 9,
  X509_ATTRIBUTE: 10,
  RAW_RSA_KEY: 11,
  HASH_URL_X509_CERT: 12,
  HASH_URL_X509_BUNDLE: 13,
  OCSP_CONTENT: 14,
  RAW_PUBLIC_KEY: 15,
} as const);

/** Authentication methods (RFC 7296 §3.8, RFC 4754, RFC 7619, RFC 7427). */
export const AuthMethod = Object.freeze({
  RSA_SIGNATURE: 1,
  SHARED_KEY_MIC: 2,
  DSS_SIGNATURE: 3,
  ECDSA_SHA256_P256: 9,
  ECDSA_SHA384_P384: 10,
  ECDSA_SHA512_P521: 11,
  GENERIC_SECURE_PASSWORD: 12,
  NULL: 13,
  DIGITAL_SIGNATURE: 14,
} as const);

/** Signature lengths (r ‖ s) of the RFC 4754 ECDSA methods, in bytes. */
export const ECDSA_SIGNATURE_LENGTH: Readonly<Record<number, number>> = Object.freeze({ 9: 64, 10: 96, 11: 132 });

/** Transform types (RFC 7296 §3.3.2). */
export const TransformKind = Object.freeze({ ENCR: 1, PRF: 2, INTEG: 3, DH: 4, ESN: 5 } as const);

/** Security protocol ids of proposals, notifies and deletes (RFC 7296 §3.3.1). */
export const ProtocolId = Object.freeze({ NONE: 0, IKE: 1, AH: 2, ESP: 3 } as const);

/** Transform type 1 (encryption) ids used by the SK codec. */
export const EncrId = Object.freeze({
  DES: 2,
  TRIPLE_DES: 3,
  NULL: 11,
  AES_CBC: 12,
  AES_CTR: 13,
  AES_CCM_8: 14,
  AES_CCM_12: 15,
  AES_CCM_16: 16,
  AES_GCM_8: 18,
  AES_GCM_12: 19,
  AES_GCM_16: 20,
  CHACHA20_POLY1305: 28,
} as const);

/** Transform type 2 (PRF) ids. */
export const PrfId = Object.freeze({ HMAC_MD5: 1, HMAC_SHA1: 2, AES128_XCBC: 4, HMAC_SHA2_256: 5, HMAC_SHA2_384: 6, HMAC_SHA2_512: 7, AES128_CMAC: 8 } as const);

/** Transform type 3 (integrity) ids. */
export const IntegId = Object.freeze({
  NONE: 0,
  HMAC_MD5_96: 1,
  HMAC_SHA1_96: 2,
  AES_XCBC_96: 5,
  HMAC_SHA2_256_128: 12,
  HMAC_SHA2_384_192: 13,
  HMAC_SHA2_512_256: 14,
} as const);

/** Transform type 5 (extended sequence numbers) ids. */
export const EsnId = Object.freeze({ NO: 0, YES: 1 } as const);

/** Transform attribute types (RFC 7296 §3.3.5): only Key Length, carried TV, in bits. */
export const TransformAttribute = Object.freeze({ KEY_LENGTH: 14 } as const);
/** The AF bit of a data attribute: set = TV (2-byte value in place of the length). */
export const ATTRIBUTE_FORMAT_TV = 0x8000;

/**
 * Diffie-Hellman groups (transform type 4) with the exact KE data length each one requires
 * (RFC 7296 §3.4: MODP values are as long as the prime; RFC 5903 §7: ECP is x ‖ y;
 * RFC 8031 §2: Curve25519/448 are the raw u-coordinate; RFC 6954: Brainpool as ECP).
 */
export const DH_KE_LENGTH: Readonly<Record<number, number>> = Object.freeze({
  1: 96, // modp768
  2: 128, // modp1024
  5: 192, // modp1536
  14: 256, // modp2048
  15: 384, // modp3072
  16: 512, // modp4096
  17: 768, // modp6144
  18: 1024, // modp8192
  19: 64, // ecp256
  20: 96, // ecp384
  21: 132, // ecp521
  22: 128, // modp1024s160
  23: 256, // modp2048s224
  24: 256, // modp2048s256
  25: 48, // ecp192
  26: 56, // ecp224
  27: 56, // brainpoolP224r1
  28: 64, // brainpoolP256r1
  29: 96, // brainpoolP384r1
  30: 128, // brainpoolP512r1
  31: 32, // curve25519
  32: 56, // curve448
});

/** Traffic selector types (RFC 7296 §3.13.1, RFC 4595). */
export const TsType = Object.freeze({ IPV4_ADDR_RANGE: 7, IPV6_ADDR_RANGE: 8, FC_ADDR_RANGE: 9 } as const);

/** Configuration payload types (RFC 7296 §3.15). */
export const CfgType = Object.freeze({ REQUEST: 1, REPLY: 2, SET: 3, ACK: 4 } as const);

/** Configuration attribute types (RFC 7296 §3.15.1). */
export const CfgAttribute = Object.freeze({
  INTERNAL_IP4_ADDRESS: 1,
  INTERNAL_IP4_NETMASK: 2,
  INTERNAL_IP4_DNS: 3,
  INTERNAL_IP4_NBNS: 4,
  INTERNAL_IP4_DHCP: 6,
  APPLICATION_VERSION: 7,
  INTERNAL_IP6_ADDRESS: 8,
  INTERNAL_IP6_DNS: 10,
  INTERNAL_IP6_DHCP: 12,
  INTERNAL_IP4_SUBNET: 13,
  SUPPORTED_ATTRIBUTES: 14,
  INTERNAL_IP6_SUBNET: 15,
} as const);

/** Nonce data bounds (RFC 7296 §3.9). */
export const NONCE_MIN = 16;
export const NONCE_MAX = 256;

/** Names for logs and test output. */
export const EXCHANGE_NAMES: Readonly<Record<number, string>> = Object.freeze(invert(ExchangeType));
export const PAYLOAD_NAMES: Readonly<Record<number, string>> = Object.freeze(invert(PayloadType));
export const NOTIFY_NAMES: Readonly<Record<number, string>> = Object.freeze(invert(NotifyType));

function invert(o: Readonly<Record<string, number>>): Record<number, string> {
  const r: Record<number, string> = {};
  for (const [k, v] of Object.entries(o)) r[v] = k;
  return r;
}
