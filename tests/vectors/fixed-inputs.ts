// The fixed inputs every vector starts from: arbitrary, but never random, so the vector
// files regenerate byte for byte.

/** A recognisable, non-repeating byte pattern; the seed keeps two values apart. */
export const pattern = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7 + 3) & 0xff);

export const LINK_KEY = pattern(32, 1);
export const OTHER_LINK_KEY = pattern(32, 2);
export const FILE_ID = pattern(16, 3);
export const OTHER_FILE_ID = pattern(16, 4);
/** Their first bytes (0x2d, 0x34) keep both scalars in [1, n) of P-256. */
export const SENDER_PRIVATE_KEY = pattern(32, 6);
export const RECEIVER_PRIVATE_KEY = pattern(32, 7);
export const SESSION_ID = 'p2pvault_vectors_00001';
export const SENDER_PEER_ID = 'senderPeerId0001';
export const RECEIVER_PEER_ID = 'receiverPeerId01';
