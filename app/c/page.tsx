import type { Metadata } from 'next';
import { CodeEntry } from '@/components/code-entry';
import { PageHeader } from '@/components/page-header';

export const metadata: Metadata = { title: 'Receive with a code · Secure P2P File Vault' };

export default function CodePage() {
  return (
    <>
      <PageHeader />
      <CodeEntry />
    </>
  );
}
