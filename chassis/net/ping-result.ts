/** What one `ping` produced, for the renderer (cli/engine/render/ping.ts). */
export interface PingReply {
  readonly seq: number;
  /** ICMP bytes received (8-byte header + data), as ping prints them. */
  readonly bytes: number;
  readonly from: string;
  readonly ttl: number;
  readonly rttMs: number;
}

export interface PingResult {
  readonly host: string;
  readonly address: string;
  readonly dataBytes: number;
  readonly sent: number;
  readonly replies: readonly PingReply[];
  readonly rapid: boolean;
  /** Per-packet problems printed in sequence (`Request timeout for icmp_seq 3`, sendto errors). */
  readonly events: ReadonlyArray<{ readonly seq: number; readonly text: string }>;
}
