/**
 * The IKEv2 wire codec shared by kmd and iked (RFC 7296, RFC 7383, RFC 5282, RFC 7634).
 *
 * Layout of ike/wire/:
 *   constants.ts        exchange, payload, notify, ID, auth, transform, TS numbers
 *   types.ts            the typed message, payload union, verdicts (the contract)
 *   verdict.ts          the RFC rules deciding drop vs. which notify
 *   fields.ts           the declarative field-table language
 *   codec.ts            the one interpreter of the tables + generic payload header / chains
 *   payloads/*.ts       one payload per file: its table, layout comment and verify()
 *   header.ts           the fixed 28-byte IKE header
 *   exchange-rules.ts   payloads allowed/required per exchange and direction, emission order
 *   sk.ts               sealing/opening SK (and SKF) with the crypto engines
 *   message.ts          whole messages: decodeMessage / encodeMessage
 *   fragment.ts         RFC 7383 splitting and reassembly
 */
export * from './constants.js';
export type * from './types.js';
export { reject, type Problem, type RejectContext } from './verdict.js';
export { peekHeader, readHeader, writeHeader, type HeaderFields } from './header.js';
export { decodeMessage, decodeInner, encodeMessage, headerFields, type DecodeOptions, type EncodeOptions, type OutgoingMessage } from './message.js';
export { chainLength, decodeChain, encodeChain, payloadLength, payloadType, writeChain, writePayload, MAX_PAYLOADS_PER_CHAIN } from './codec.js';
export { checkExchange, exchangeRule, orderForEmission, EXCHANGE_RULES, type ExchangeRule, type PayloadRule } from './exchange-rules.js';
export {
  createSkCipher,
  minimalPadLength,
  openSk,
  randomIv,
  sealedBodyLength,
  sealInPlace,
  type IvSource,
  type OpenResult,
  type SealOptions,
  type SkCipher,
  type SkKeys,
  type SkTransforms,
} from './sk.js';
export { FragmentReassembler, fragmentCapacity, fragmentMessage, fragmentPlaintext, SKF_HEADER_LENGTH, type FragmentOptions, type ReassemblyLimits, type ReassemblyResult } from './fragment.js';
export { PAYLOAD_SPECS, SPEC_BY_KIND, SPEC_BY_TYPE, type PayloadSpec, type VerifyContext } from './payloads/index.js';
