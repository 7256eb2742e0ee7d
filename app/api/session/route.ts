import { createSession } from '@/lib/signaling/http-api';
import { CLIENT_IP_HEADER, getServerContext } from '@/lib/signaling/server-context';

export const dynamic = 'force-dynamic';

export function POST(request: Request) {
  const { store, limits, logger } = getServerContext();
  return createSession(request, store, limits, request.headers.get(CLIENT_IP_HEADER) ?? 'unknown', logger);
}
