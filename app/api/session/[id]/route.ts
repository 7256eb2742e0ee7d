import { getSessionStatus } from '@/lib/signaling/http-api';
import { getSessionStore } from '@/lib/signaling/store-registry';

export const dynamic = 'force-dynamic';

export async function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  const { id } = await context.params;
  return getSessionStatus(id, getSessionStore());
}
