import { getSessionStatus } from '@/lib/signaling/http-api';
import { getServerContext } from '@/lib/signaling/server-context';

export const dynamic = 'force-dynamic';

export async function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  const { id } = await context.params;
  return getSessionStatus(id, getServerContext().store);
}
