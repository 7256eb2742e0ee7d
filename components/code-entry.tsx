'use client';

import { useState, type FormEvent } from 'react';
import { codeProblem, parseCode } from '@/lib/codes/short-code';
import type { TypedCode } from '@/lib/codes/code-session';
import { ReceivePanel } from './receive-panel';

/**
 * The `/c` page: a field for a short code read out by the sender. The number names the
 * session; the words never leave this browser (they feed the PAKE). Typing errors are
 * caught here, before the one guess a code allows is spent.
 */
export function CodeEntry() {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [code, setCode] = useState<TypedCode | null>(null);

  if (code) return <ReceivePanel source={{ code }} again="code" />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseCode(text);
    if (!parsed) return setProblem(codeProblem(text));
    setCode(parsed);
  };

  return (
    <section className="flex flex-col gap-4 rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6 dark:border-slate-800 dark:bg-slate-900">
      <form onSubmit={submit} className="flex flex-col gap-3" noValidate>
        <label htmlFor="code" className="font-medium">
          Code from the sender
        </label>
        <p id="code-help" className="text-sm text-slate-600 dark:text-slate-400">
          A number and three words, like <span className="font-mono">7-orbit-velvet-zebra</span>. A code works for one try: check it before you
          press Receive.
        </p>
        <div className="flex flex-col gap-2 sm:flex-row">
          <input
            id="code"
            data-testid="code-input"
            value={text}
            onChange={(event) => {
              setText(event.target.value);
              setProblem(null);
            }}
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            aria-describedby={problem ? 'code-help code-problem' : 'code-help'}
            aria-invalid={problem ? true : undefined}
            placeholder="7-orbit-velvet-zebra"
            className="min-w-0 flex-1 rounded-lg border border-slate-300 bg-white px-3 py-2 font-mono dark:border-slate-700 dark:bg-slate-950"
          />
          <button
            type="submit"
            data-testid="code-submit"
            className="rounded-lg bg-vault-600 px-4 py-2 font-medium text-white hover:bg-vault-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-vault-500"
          >
            Receive
          </button>
        </div>
        {problem && (
          <p id="code-problem" role="alert" data-testid="code-problem" className="text-sm text-red-700 dark:text-red-400">
            {problem}
          </p>
        )}
      </form>
    </section>
  );
}
