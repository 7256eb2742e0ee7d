/** @type {import('next').NextConfig} */

// Headers every response carries. The share link holds the key in its fragment, so no
// page may leak its URL (Referrer-Policy) or be framed by another site. Camera and
// microphone stay allowed: Chromium only reveals host ICE candidates to pages that
// may use them, which the LAN and test paths rely on. A nonce-based script CSP is
// still to come (issue 4).
const SECURITY_HEADERS = [
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Content-Security-Policy', value: "frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'" },
  { key: 'Permissions-Policy', value: 'geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), interest-cohort=()' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];

const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  async headers() {
    return [{ source: '/:path*', headers: SECURITY_HEADERS }];
  },
};

export default nextConfig;
