// The DTLS certificate fingerprints an SDP pins (`a=fingerprint:<hash> <hex>`).
export function sdpFingerprints(sdp: string): string[] {
  return [...sdp.matchAll(/^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/gm)].map((m) => `${m[1]!.toLowerCase()} ${m[2]!.toLowerCase()}`);
}

/** `sha-256 aa:bb:…` of a DER certificate, in the form SDP fingerprints use. */
export async function certificateFingerprint(der: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', der));
  return `sha-256 ${[...digest].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
}
