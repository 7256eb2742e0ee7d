import { ErrorNotice } from '@/components/error-notice';
import { PageHeader } from '@/components/page-header';
import { USER_MESSAGES } from '@/lib/protocol/errors';

export default function SessionNotFound() {
  return (
    <>
      <PageHeader />
      <ErrorNotice code="not_found" message={USER_MESSAGES.not_found}>
        <p className="text-sm">Check that you copied the whole link, or ask the sender for a new one.</p>
      </ErrorNotice>
    </>
  );
}
