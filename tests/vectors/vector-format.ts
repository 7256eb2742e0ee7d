// The shape of tests/vectors/stream-vectors.json, shared by its generator and its checker.

/** One vector: hex chunk frames for one file, and what a receiver must conclude. */
export interface StreamVector {
  name: string;
  fileSize: number;
  receiverEpoch: number;
  frames: string[];
  expected: { plaintext: string } | { error: string };
}

export interface StreamVectorSuite {
  description: string;
  linkKey: string;
  sessionId: string;
  fileId: string;
  chunkSize: number;
  vectors: StreamVector[];
}
