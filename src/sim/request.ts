/** A request on its way through proxy, router and replica. */
export type Outcome =
  | { readonly kind: 'ok' }
  /** User code raised, or the replica died under it: the proxy answers 500. */
  | { readonly kind: 'error'; readonly exception: string }
  /** Dropped by backpressure (max_queued_requests): 503 unless backpressure_config says 429. */
  | { readonly kind: 'rejected'; readonly status: number; readonly body: string }
  /** Past its deadline: the proxy cancels it wherever it is and answers 408. */
  | { readonly kind: 'timeout'; readonly body: string };

export interface SimRequest {
  readonly id: string;
  /** The route label: the app's route_prefix. */
  readonly route: string;
  readonly method: string;
  /** Absolute time past which the proxy answers 408, if a timeout applies. */
  readonly deadline: number | undefined;
  enqueuedAt: number;
  settled: boolean;
  /** Set by whoever holds the request now, so a timeout can take it back. */
  cancel: (() => void) | undefined;
  readonly onSettled: (outcome: Outcome) => void;
}

export function settle(req: SimRequest, outcome: Outcome): void {
  if (req.settled) return;
  req.settled = true;
  req.cancel = undefined;
  req.onSettled(outcome);
}
