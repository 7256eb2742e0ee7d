import type { FramePort } from '../../lib/transfer/port';

// Two FramePorts joined back to back, delivering asynchronously like a DataChannel.
// `tap` lets a test drop, reorder or rewrite frames in flight.
export type Tap = (frame: Uint8Array, deliver: (frame: Uint8Array) => void) => void;

export function memoryPortPair(tapToB?: Tap, tapToA?: Tap) {
  let onA: (frame: Uint8Array) => void = () => {};
  let onB: (frame: Uint8Array) => void = () => {};
  const make = (deliverRemote: () => (frame: Uint8Array) => void, tap?: Tap): FramePort => ({
    send(frame) {
      const copy = frame.slice();
      setTimeout(() => (tap ? tap(copy, deliverRemote()) : deliverRemote()(copy)), 0);
    },
    bufferedAmount: 0,
    drained: async () => {},
  });
  const a = make(() => onB, tapToB);
  const b = make(() => onA, tapToA);
  return {
    a,
    b,
    onReceiveA: (fn: (frame: Uint8Array) => void) => (onA = fn),
    onReceiveB: (fn: (frame: Uint8Array) => void) => (onB = fn),
  };
}
