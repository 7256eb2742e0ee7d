import Link from 'next/link';
import { PageHeader } from '@/components/page-header';

export default function NotFound() {
  return (
    <>
      <PageHeader />
      <p>This page does not exist.</p>
      <Link href="/" className="text-vault-600 underline">
        Send a file
      </Link>
    </>
  );
}
