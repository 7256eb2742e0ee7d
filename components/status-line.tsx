/** The current state in words; `data-status` carries its stable name for automation. */
export function StatusLine({ status, text }: { status: string; text: string }) {
  return (
    <p data-testid="status" data-status={status} role="status" aria-live="polite" className="text-base font-medium">
      {text}
    </p>
  );
}
