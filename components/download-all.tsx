import type { ZipState } from '@/lib/client/transfer-status';

const buttonClass =
  'self-start rounded-lg bg-emerald-700 px-4 py-2 font-medium text-white hover:bg-emerald-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-500 disabled:cursor-wait disabled:opacity-60';

/** "Download all (.zip)": made on the first click from the verified files, then a plain link. */
export function DownloadAll({ zip, onDownloadAll }: { zip: ZipState; onDownloadAll: () => void }) {
  return (
    <div className="flex flex-col gap-2">
      {zip.status === 'ready' ? (
        <a data-testid="download-all" href={zip.url} download={zip.name} className={buttonClass}>
          Download all (.zip)
        </a>
      ) : (
        <button type="button" data-testid="download-all" disabled={zip.status === 'building'} onClick={onDownloadAll} className={buttonClass}>
          {zip.status === 'building' ? 'Preparing the zip…' : 'Download all (.zip)'}
        </button>
      )}
      {zip.status === 'error' && (
        <p data-testid="zip-error" role="alert" className="text-sm text-red-700 dark:text-red-300">
          {zip.message}
        </p>
      )}
    </div>
  );
}
