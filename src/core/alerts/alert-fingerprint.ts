import type { Labels } from '../labels.js';

/**
 * The fingerprint of an alert's final label set (alertname included): FNV-1a 64 over the
 * sorted label names and values, each followed by the 0xff separator, printed as 16 hex
 * digits. This is exactly Prometheus's model.LabelSet.Fingerprint, which Alertmanager sends as
 * `fingerprint` in its webhook, so an alert evaluated here and the same alert coming back from
 * Alertmanager (after `rules export`) key the same Slack thread, dedup record and remediation job.
 */
const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;
const SEPARATOR = 0xff;
const encoder = new TextEncoder();

function add(hash: bigint, bytes: Uint8Array): bigint {
  let h = hash;
  for (const b of bytes) h = ((h ^ BigInt(b)) * PRIME) & MASK;
  return h;
}

export function alertFingerprint(labels: Labels): string {
  let h = OFFSET;
  // Label names are ASCII, so JavaScript's sort is Go's byte-wise sort.
  for (const name of Object.keys(labels).sort()) {
    h = add(h, encoder.encode(name));
    h = ((h ^ BigInt(SEPARATOR)) * PRIME) & MASK;
    h = add(h, encoder.encode(labels[name]));
    h = ((h ^ BigInt(SEPARATOR)) * PRIME) & MASK;
  }
  return h.toString(16).padStart(16, '0');
}
