// The DTLS certificate fingerprints an SDP pins (`a=fingerprint:<hash> <hex>`).
export function sdpFingerprints(sdp: string): string[] {
  return [...sdp.matchAll(/^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/gm)].map((m) => `${m[1]!.toLowerCase()} ${m[2]!.toLowerCase()}`);
}
