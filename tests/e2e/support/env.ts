// Debian's Chromium binary itself, not the /usr/bin wrapper that adds remote extensions.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3210);
