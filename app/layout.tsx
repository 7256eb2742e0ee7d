import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Secure P2P File Vault',
  description: 'Send files straight from your browser to another, end-to-end encrypted. The server never sees them.',
  referrer: 'no-referrer',
};

// Every page is rendered per request so Next can put this response's CSP nonce on its scripts.
export const dynamic = 'force-dynamic';

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <main className="mx-auto flex max-w-2xl flex-col gap-6 px-4 py-10">{children}</main>
      </body>
    </html>
  );
}
