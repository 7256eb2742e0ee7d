import Link from 'next/link';

export function PageHeader() {
  return (
    <header className="flex flex-col gap-2">
      <Link href="/" className="text-2xl font-bold tracking-tight focus-visible:outline-2 focus-visible:outline-vault-500">
        Secure P2P File Vault
      </Link>
      <p className="text-slate-600 dark:text-slate-400">
        Your files go directly from your browser to the recipient’s, end-to-end encrypted: our server only introduces the two
        browsers and never sees the files or the key.
      </p>
    </header>
  );
}
