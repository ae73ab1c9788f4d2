/**
 * Protocol timers and limits of the emulated daemons. Juniper does not publish kmd's or iked's
 * retransmission schedule; these values are our documented choice (see the report / README):
 *
 * - retransmission: first after 2 s, doubling (2, 4, 8, 16, 32 s), 5 retransmissions, then the
 *   exchange has failed 64 s after the last one (126 s after the first send in total);
 * - a half-open responder IKE SA (IKE_SA_INIT answered, no IKE_AUTH) is forgotten after 60 s;
 * - cookies (RFC 7296 §2.6) are required once 64 half-open IKE SAs exist, and the cookie secret
 *   changes every 5 minutes (the previous one stays valid);
 * - a daemon has at most 64 IKE SAs of its own in IKE_SA_INIT/IKE_AUTH at once; gateways beyond
 *   that (10,000 VPNs committed with `establish-tunnels immediately`) wait in commit order and
 *   start as slots free. A polite initiator never holds more half-open SAs on a peer than that
 *   peer tolerates before asking for cookies, and the in-flight state of 10,000 simultaneous
 *   negotiations (keys, messages, retransmission timers) does not all live at once;
 * - CHILD SA soft lifetime: rekey at 90 % of lifetime-seconds minus up to 2 % random jitter
 *   (initiator side; the responder waits a further 5 % so that both rarely rekey at once);
 * - IKE SA rekey at 90 % of the IKE proposal's lifetime-seconds;
 * - a failed `establish-tunnels immediately` tunnel is retried after 10 s;
 * - lifetime-kilobytes: the kernel's counters are polled every 10 s (rekey at 90 %);
 * - a rekeyed pair the peer never deletes is removed 30 s after the rekey.
 */
export const RETRANSMIT_BASE_MS = 2000;
export const RETRANSMIT_LIMIT = 5;
export const HALF_OPEN_TIMEOUT_MS = 60_000;
export const COOKIE_THRESHOLD = 64;
export const MAX_INITIATING = 64;
export const COOKIE_SECRET_MS = 300_000;
export const SOFT_LIFETIME_FRACTION = 0.9;
export const SOFT_LIFETIME_JITTER = 0.02;
export const RESPONDER_REKEY_DELAY = 0.05;
export const RETRY_IMMEDIATE_MS = 10_000;
export const NONCE_LENGTH = 32;
export const VOLUME_POLL_MS = 10_000;
export const REKEYED_GRACE_MS = 30_000;
