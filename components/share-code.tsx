/** The short code, to read out; the recipient types it at `<origin>/c`. */
export function ShareCode({ code, link }: { code: string; link: string }) {
  const entry = `${new URL(link).origin}/c`;
  return (
    <div className="flex flex-col gap-1 rounded-xl border border-vault-400 bg-vault-50 p-3 dark:border-vault-800 dark:bg-slate-950">
      <span className="text-sm font-medium">Or read out this code</span>
      <output data-testid="share-code" className="font-mono text-xl font-semibold tracking-wide">
        {code}
      </output>
      <span className="text-xs text-slate-600 dark:text-slate-400">
        The recipient opens <span className="font-mono">{entry}</span> and types it. It allows one try: a wrong guess closes this session.
      </span>
    </div>
  );
}
