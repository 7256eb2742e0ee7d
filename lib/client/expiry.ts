// How long a share link still works, in words that stay true at a glance: the
// sender reads it while deciding whether the recipient will make it in time.

export function timeLeft(expiresAt: string | number, now: number): { expired: boolean; text: string } {
  const ms = (typeof expiresAt === 'number' ? expiresAt : Date.parse(expiresAt)) - now;
  if (!Number.isFinite(ms) || ms <= 0) return { expired: true, text: 'This link has expired.' };
  if (ms < 120_000) return { expired: false, text: 'Expires in less than 2 minutes' };
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 120) return { expired: false, text: `Expires in ${minutes} minutes` };
  const hours = Math.floor(minutes / 60);
  return { expired: false, text: `Expires in ${hours} hours${minutes % 60 ? ` ${minutes % 60} minutes` : ''}` };
}
