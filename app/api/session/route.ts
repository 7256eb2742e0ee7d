import { createSession } from '@/lib/signaling/http-api';
import { getSessionStore } from '@/lib/signaling/store-registry';

export const dynamic = 'force-dynamic';

export function POST(request: Request) {
  return createSession(request, getSessionStore());
}
