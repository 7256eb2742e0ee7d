import { chooseStorage } from '../storage/choose-storage';
import { inertBlob } from '../storage/file-sink';
import { MEMORY_SINK_LIMIT } from '../storage/memory-sink';
import { chooseZipStorage, zipName } from '../storage/zip-plan';
import type { Manifest } from '../protocol/messages';
import { workerBackend } from './receive-backend';
import type { BrowserPlace, StorageDecision } from './receive-worker-protocol';
import type { ReceiverHost } from './receiver-host';
import { detectStorage, pickSaveLocation, removeIncoming } from './storage-capabilities';
import { buildZip, zipLength, type ZipEntry } from './zip-download';

/** Marked when the DataChannel opens and when every file verified; the benchmark reads them. */
export const CHANNEL_OPEN_MARK = 'p2pvault:channel-open';
export const DONE_MARK = 'p2pvault:done';
/** Leftovers in OPFS from pages closed this long ago are removed. */
const STALE_INCOMING_MS = 60 * 60 * 1000;

/**
 * The receiver page's host: the engine in a Worker; files in OPFS, in a file the person
 * picks (one large file where OPFS is missing or full), or in memory; verified files
 * and the zip offered as object URLs, revoked when the page leaves.
 */
export class BrowserReceiverHost implements ReceiverHost<BrowserPlace> {
  readonly backend = workerBackend;
  private readonly urls: string[] = [];
  /** The picker's suggested name, and who waits for the person's choice. */
  private asked: { name: string; chosen: (handle: FileSystemFileHandle) => void } | null = null;

  async storage(manifest: Manifest, asking: () => void): Promise<StorageDecision<BrowserPlace>> {
    const plan = chooseStorage(
      manifest.files.map((f) => f.size),
      await detectStorage(MEMORY_SINK_LIMIT),
    );
    if (plan.kind !== 'picker') return plan;
    const handle = new Promise<FileSystemFileHandle>((chosen) => (this.asked = { name: manifest.files[0]!.name, chosen }));
    asking();
    return { kind: 'picker', handle: await handle };
  }

  /** The person clicked "Choose where to save"; must run inside that click. */
  async chooseLocation(): Promise<void> {
    const asked = this.asked;
    if (!asked) return;
    try {
      asked.chosen(await pickSaveLocation(asked.name));
      this.asked = null;
    } catch {
      // Picker dismissed: keep asking.
    }
  }

  fileUrl(file: Blob): string {
    // Whatever the sink made, the URL is octet-stream: opened, it downloads (under the
    // anchor's `download` name) and never renders the sender's HTML or SVG in this origin.
    const url = URL.createObjectURL(inertBlob(file));
    this.urls.push(url);
    return url;
  }

  async zip(entries: ZipEntry[], transferId: string): Promise<{ url: string; name: string } | { refused: string }> {
    const plan = chooseZipStorage(zipLength(entries), await detectStorage(MEMORY_SINK_LIMIT));
    if (plan.kind === 'refuse') return { refused: plan.message };
    const zip = await buildZip(entries, plan, `${transferId}-all.zip`);
    return { url: this.fileUrl(zip), name: zipName(entries.map((e) => e.path)) };
  }

  mark(moment: 'channel-open' | 'done'): void {
    performance.mark(moment === 'done' ? DONE_MARK : CHANNEL_OPEN_MARK);
  }

  sweep(): Promise<void> {
    return removeIncoming(null, STALE_INCOMING_MS);
  }

  release(transferId: string | null): void {
    for (const url of this.urls.splice(0)) URL.revokeObjectURL(url);
    if (transferId) void removeIncoming(transferId);
  }
}
