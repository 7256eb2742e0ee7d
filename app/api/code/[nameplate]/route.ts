import { lookupCode } from '@/lib/signaling/http-api';
import { CLIENT_IP_HEADER, getServerContext } from '@/lib/signaling/server-context';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, context: { params: Promise<{ nameplate: string }> }) {
  const { nameplate } = await context.params;
  const { store, limits, logger } = getServerContext();
  return lookupCode(nameplate, store, limits, request.headers.get(CLIENT_IP_HEADER) ?? 'unknown', logger);
}
