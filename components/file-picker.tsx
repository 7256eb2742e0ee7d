'use client';

import { useRef, useState, useSyncExternalStore, type ChangeEvent, type DragEvent } from 'react';
import { filesFromDrop, filesFromInput } from '@/lib/client/picked-files';
import type { SelectedFile } from '@/lib/transfer/selection';

// React has no typed prop for it; the attribute makes the input pick a whole folder.
const FOLDER_INPUT = { webkitdirectory: '' } as Record<string, string>;

const buttonClass =
  'rounded-lg px-4 py-2 font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-vault-500';

/** A drop zone for files and folders, and inputs for several files or a folder; hands them to `onFiles`. */
export function FilePicker({ onFiles }: { onFiles: (files: SelectedFile[]) => void }) {
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  // The inputs exist only once React is listening to them: a file picked into the
  // server-rendered HTML before hydration would be lost without a trace.
  const hydrated = useSyncExternalStore(noSubscription, () => true, () => false);

  const drop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    void filesFromDrop(event.dataTransfer).then(onFiles);
  };
  const picked = (event: ChangeEvent<HTMLInputElement>) => {
    onFiles(filesFromInput(event.target.files));
    // Picking the same files again must fire change again.
    event.target.value = '';
  };

  return (
    <div
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
      className={`flex flex-col items-center gap-3 rounded-2xl border-2 border-dashed p-10 text-center transition-colors ${
        over ? 'border-vault-500 bg-vault-50 dark:bg-slate-900' : 'border-slate-300 dark:border-slate-700'
      }`}
    >
      <p className="text-lg font-medium">Drop files or folders here</p>
      <p className="text-sm text-slate-500 dark:text-slate-400">or</p>
      <div className="flex flex-wrap justify-center gap-2">
        <button type="button" onClick={() => filesInput.current?.click()} className={`${buttonClass} bg-vault-600 text-white hover:bg-vault-700`}>
          Choose files
        </button>
        <button
          type="button"
          onClick={() => folderInput.current?.click()}
          className={`${buttonClass} border border-slate-300 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800`}
        >
          Choose a folder
        </button>
      </div>
      {/* Reached through the buttons above: as tab stops of their own they would take an invisible focus. */}
      {hydrated && (
        <>
          <input
            ref={filesInput}
            type="file"
            multiple
            tabIndex={-1}
            aria-hidden="true"
            data-testid="file-input"
            aria-label="Choose files to send"
            className="sr-only"
            onChange={picked}
          />
          <input
            ref={folderInput}
            type="file"
            {...FOLDER_INPUT}
            tabIndex={-1}
            aria-hidden="true"
            data-testid="folder-input"
            aria-label="Choose a folder to send"
            className="sr-only"
            onChange={picked}
          />
        </>
      )}
    </div>
  );
}

const noSubscription = () => () => {};
