import { PageHeader } from '@/components/page-header';
import { SendPanel } from '@/components/send-panel';

export default function HomePage() {
  return (
    <>
      <PageHeader />
      <SendPanel />
    </>
  );
}
