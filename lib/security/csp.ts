// The Content-Security-Policy of every response. Scripts run only with this request's
// nonce (Next puts it on its own scripts, reading it from the request's CSP header),
// or when loaded by such a script ('strict-dynamic'). Nothing comes from another
// origin: no third-party scripts, styles, fonts or images.

export interface CspOptions {
  /** Next's dev server evaluates code for fast refresh. */
  dev?: boolean;
}

export function contentSecurityPolicy(nonce: string, options: CspOptions = {}): string {
  const directives = [
    "default-src 'self'",
    // 'wasm-unsafe-eval' lets hash-wasm compile its SHA-256 module; it does not allow eval().
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic' 'wasm-unsafe-eval'${options.dev ? " 'unsafe-eval'" : ''}`,
    // Inline style attributes (progress widths) only; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "media-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  return directives.join('; ');
}

/** A fresh, unguessable nonce per response (128 bits, base64). */
export function newNonce(): string {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(16))).toString('base64');
}
