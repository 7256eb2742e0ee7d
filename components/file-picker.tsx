'use client';

import { useRef, useState, type DragEvent } from 'react';

/** A drop zone and file input; hands the chosen files to `onFiles`. */
export function FilePicker({ onFiles }: { onFiles: (files: File[]) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const drop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    onFiles([...event.dataTransfer.files]);
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
      <p className="text-lg font-medium">Drop a file here</p>
      <p className="text-sm text-slate-500 dark:text-slate-400">or</p>
      <button
        type="button"
        onClick={() => input.current?.click()}
        className="rounded-lg bg-vault-600 px-4 py-2 font-medium text-white hover:bg-vault-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-vault-500"
      >
        Choose a file
      </button>
      <input
        ref={input}
        type="file"
        data-testid="file-input"
        aria-label="Choose a file to send"
        className="sr-only"
        onChange={(e) => onFiles([...(e.target.files ?? [])])}
      />
    </div>
  );
}
