// The stage ladder of `npm run bench:transfer`: what each line switches on, shared by
// the Node side (bench/ladder/run.ts) and the pages (bench/ladder/page.ts, worker.ts).

/** The raw baseline's message: the app's largest frame. */
export const RAW_MESSAGE_BYTES = 262_144;

/** What the sending page does per chunk: nothing but send a buffer, or the app's steps up to this one. */
export type SenderStage = 'raw' | 'read' | 'seal' | 'hash';
/** What the receiving page does with each frame: count it, or hand it to a Worker that does the app's steps up to this one. */
export type ReceiverStage = 'count' | 'worker' | 'open' | 'hash' | 'opfs';

/** Keys for the sealing stages: both pages derive k_file from the same link key. */
export interface StageKeys {
  linkKey: string;
  fileId: string;
}

export interface ReceiverResult {
  bytes: number;
  /** The whole file's SHA-256, from the stages that hash. */
  sha256?: string;
}

export interface LadderStage {
  name: string;
  label: string;
  sender: SenderStage | 'engine';
  receiver: ReceiverStage | 'engine';
}

export const LADDER: LadderStage[] = [
  { name: 'raw', label: 'raw: one in-memory buffer sent again and again', sender: 'raw', receiver: 'count' },
  { name: '+read', label: '+ File.slice() reads of the real file', sender: 'read', receiver: 'count' },
  { name: '+seal', label: '+ STREAM sealing (AES-256-GCM frames)', sender: 'seal', receiver: 'count' },
  { name: '+hash', label: '+ SHA-256 of the file in a Worker, from the start: the whole sender', sender: 'hash', receiver: 'count' },
  { name: '+worker', label: '+ receiver hands each frame to a Worker', sender: 'hash', receiver: 'worker' },
  { name: '+open', label: '+ receiver opens (decrypts) each chunk', sender: 'hash', receiver: 'open' },
  { name: '+rhash', label: '+ receiver SHA-256', sender: 'hash', receiver: 'hash' },
  { name: '+opfs', label: '+ receiver writes to OPFS', sender: 'hash', receiver: 'opfs' },
  { name: '+acks', label: '+ acks and the flow window: SendSession → receive Worker', sender: 'engine', receiver: 'engine' },
];
