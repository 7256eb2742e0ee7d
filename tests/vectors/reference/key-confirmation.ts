import { createHmac } from 'node:crypto';

// Key confirmation (docs/protocol.md §4): an HMAC-SHA256 under k_confirm_<role> over
// "p2pvault/v1 confirm|" + id + "|" + sender's fingerprints + "|" + receiver's, each list
// trimmed, lower-cased, sorted and comma-joined.

const fingerprintList = (fingerprints: string[]) =>
  fingerprints
    .map((f) => f.trim().toLowerCase())
    .sort()
    .join(',');

export function confirmationTranscript(sessionId: string, senderFingerprints: string[], receiverFingerprints: string[]): string {
  return `p2pvault/v1 confirm|${sessionId}|${fingerprintList(senderFingerprints)}|${fingerprintList(receiverFingerprints)}`;
}

/** The 32-byte MAC as `hello {mac}` carries it: base64url. */
export function confirmationMac(confirmKey: Uint8Array, transcript: string): string {
  return createHmac('sha256', confirmKey).update(transcript, 'utf8').digest('base64url');
}
