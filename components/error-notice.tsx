import type { ReactNode } from 'react';

/** A failure in words, its stable code for automation and support, and what to do next. */
export function ErrorNotice({ code, message, children }: { code: string; message: string; children?: ReactNode }) {
  return (
    <div
      data-testid="error"
      data-code={code}
      role="alert"
      className="flex flex-col gap-2 rounded-xl border border-red-300 bg-red-50 p-4 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
    >
      <p className="font-medium">{message}</p>
      <p className="font-mono text-xs opacity-70">Error: {code}</p>
      {children}
    </div>
  );
}
