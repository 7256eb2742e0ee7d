import type { Page } from '@playwright/test';

// Records, from outside the app, the keys a page's connections really used: the DTLS
// certificate fingerprints of every RTCPeerConnection once it connected, and the
// ephemeral ECDH public keys the page made (generateKey) and took from its peers
// (importKey on the page's main thread; a receiver imports in its Worker, unseen here).
// Call before the page navigates.

export interface ConnectionRecord {
  local: string[];
  remote: string[];
}

export interface ConnectionProbe {
  /** Fingerprints of each PeerConnection that reached `connected`, in that order. */
  connections: () => Promise<ConnectionRecord[]>;
  /** ECDH public keys (hex, uncompressed point) this page generated. */
  ownKeys: () => Promise<string[]>;
  /** Peers' ECDH public keys this page imported on its main thread to derive a secret with. */
  peerKeys: () => Promise<string[]>;
}

interface ProbeWindow {
  __probe: { connections: ConnectionRecord[]; own: string[]; peers: string[] };
}

export async function connectionProbe(page: Page): Promise<ConnectionProbe> {
  await page.context().addInitScript(() => {
    const probe: ProbeWindow['__probe'] = { connections: [], own: [], peers: [] };
    (window as unknown as ProbeWindow).__probe = probe;
    const hex = (buffer: ArrayBuffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
    const fingerprints = (sdp: string | undefined) => [...(sdp ?? '').matchAll(/^a=fingerprint:(.+)$/gm)].map((m) => m[1]!.trim().toLowerCase());

    const Native = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Native {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        const record = () => {
          if (this.connectionState !== 'connected') return;
          this.removeEventListener('connectionstatechange', record);
          probe.connections.push({ local: fingerprints(this.localDescription?.sdp), remote: fingerprints(this.remoteDescription?.sdp) });
        };
        this.addEventListener('connectionstatechange', record);
      }
    };

    const subtle = SubtleCrypto.prototype;
    const generateKey = subtle.generateKey as (this: SubtleCrypto, ...args: unknown[]) => Promise<CryptoKeyPair | CryptoKey>;
    subtle.generateKey = async function (this: SubtleCrypto, ...args: unknown[]) {
      const result = await generateKey.apply(this, args);
      if ((args[0] as { name?: string }).name === 'ECDH' && 'publicKey' in result) {
        probe.own.push(hex(await crypto.subtle.exportKey('raw', result.publicKey)));
      }
      return result;
    } as typeof subtle.generateKey;
    // A peer's point arrives as raw bytes and is imported (not extractable) before the ECDH.
    const importKey = subtle.importKey as (this: SubtleCrypto, ...args: unknown[]) => Promise<CryptoKey>;
    subtle.importKey = async function (this: SubtleCrypto, ...args: unknown[]) {
      const [format, data, algorithm] = args as [string, BufferSource, { name?: string }];
      if (format === 'raw' && algorithm.name === 'ECDH') {
        probe.peers.push(hex(ArrayBuffer.isView(data) ? data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer : data));
      }
      return importKey.apply(this, args);
    } as typeof subtle.importKey;
  });
  const read = <K extends keyof ProbeWindow['__probe']>(key: K) =>
    page.evaluate((k) => (window as unknown as ProbeWindow).__probe[k], key) as Promise<ProbeWindow['__probe'][K]>;
  return { connections: () => read('connections'), ownKeys: () => read('own'), peerKeys: () => read('peers') };
}
