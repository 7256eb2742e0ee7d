import { notFound } from 'next/navigation';
import { ErrorNotice } from '@/components/error-notice';
import { PageHeader } from '@/components/page-header';
import { ReceivePanel } from '@/components/receive-panel';
import { isSessionId } from '@/lib/client/share-link';
import { USER_MESSAGES } from '@/lib/protocol/errors';
import { getServerContext } from '@/lib/signaling/server-context';

export const dynamic = 'force-dynamic';

export default async function ReceivePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!isSessionId(id)) notFound();
  const session = await getServerContext().store.get(id);
  if (!session) notFound();
  return (
    <>
      <PageHeader />
      {session.expired ? <ErrorNotice code="expired" message={USER_MESSAGES.expired} /> : <ReceivePanel source={{ sessionId: id }} />}
    </>
  );
}
