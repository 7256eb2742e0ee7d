/** @type {import('next').NextConfig} */

// Headers every response carries. The share link holds the key in its fragment, so no
// page may leak its URL (Referrer-Policy) or be framed by another site. Camera and
// microphone stay allowed: Chromium only reveals host ICE candidates to pages that
// may use them, which the LAN and test paths rely on. The Content-Security-Policy
// needs a fresh nonce per request, so server.ts sets it (lib/security/csp.ts).
const SECURITY_HEADERS = [
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
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
