import type { Labels } from '../labels.js';
import { anchoredRegex } from '../silence/silence.js';
import type { NotifyStage } from './notification.js';

export interface SlackRoute {
  /** Every label here must equal the alert's (severity included). */
  readonly match: Readonly<Record<string, string>>;
  /** Fully anchored regexes on label values. */
  readonly match_re: Readonly<Record<string, string>>;
  readonly channel: string;
}

/** The channel for a label set: the first route that matches wins, else the default (if any). */
export function routeChannel(labels: Labels, routes: readonly SlackRoute[], defaultChannel: string | undefined): string | undefined {
  for (const r of routes) {
    const eq = Object.entries(r.match).every(([k, v]) => (labels[k] ?? '') === v);
    const re = eq && Object.entries(r.match_re).every(([k, v]) => anchoredRegex(v).test(labels[k] ?? ''));
    if (eq && re) return r.channel;
  }
  return defaultChannel;
}

/**
 * A thread stays where it was opened; only a new thread is routed. With no default channel an
 * alert that no route matches stops here (reported through onUnrouted).
 */
export function createRouteStage(deps: {
  readonly routes: readonly SlackRoute[];
  readonly defaultChannel?: string;
  readonly onUnrouted?: (threadKey: string) => void;
}): NotifyStage {
  return async (n) => {
    const channel = n.thread?.channel ?? routeChannel(n.event.alert.labels, deps.routes, deps.defaultChannel);
    if (channel === undefined) {
      deps.onUnrouted?.(n.threadKey);
      return null;
    }
    return { ...n, channel };
  };
}
