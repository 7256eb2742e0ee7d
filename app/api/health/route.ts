import { healthStatus } from '@/lib/signaling/http-api';
import { getServerContext } from '@/lib/signaling/server-context';

export const dynamic = 'force-dynamic';

export function GET() {
  return healthStatus(getServerContext());
}
