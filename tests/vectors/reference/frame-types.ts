// The type byte that starts every DataChannel frame (docs/protocol.md §4).
export const FRAME_TYPES = {
  hello: 1,
  manifest: 2,
  request: 3,
  chunk: 4,
  'file-end': 5,
  ack: 6,
  error: 7,
  cancel: 8,
} as const;

export type ControlFrameType = Exclude<keyof typeof FRAME_TYPES, 'chunk'>;
