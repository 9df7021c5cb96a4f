/**
 * What tools/bench/issuance.ts and its forked issuer (issuer-server.ts)
 * share, kept apart so the load generator never loads Nest or the issuer.
 */
export const BENCH_ISV_ID = 'isv-bench';

/** The client resource every benchmark request names (mixed case, as ISVs send it). */
export const BENCH_RESOURCE =
  '/subscriptions/8f4b2c1e-3d5a-4e6f-9a7b-1c2d3e4f5a6b/resourceGroups/rg-contoso-prod/providers/Microsoft.CognitiveServices/accounts/face-contoso-prod';

/** Server → parent, over the fork IPC channel. */
export type ServerMessage =
  | { readonly kind: 'ready'; readonly url: string; readonly alg: string }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'cpu'; readonly userMicros: number; readonly systemMicros: number };

/** Parent → server. */
export type ParentMessage = { readonly kind: 'cpu' } | { readonly kind: 'stop' };
