// Every error a user or a peer can see, by name. Codes travel on the wire (socket acks,
// DataChannel error frames), so they are stable identifiers; messages are for people.

export const SIGNALING_ERROR_CODES = [
  'bad_request', // payload failed validation
  'too_large', // payload over the signaling message cap
  'not_found', // no such session
  'expired', // session exists but its time is up
  'forbidden', // wrong or missing sender token
  'full', // the sender slot is taken, or the session has as many receivers as its sender allowed
  'not_joined', // signal before join
  'already_joined', // second join on one socket
  'unknown_peer', // signal addressed to a peer outside the session
  'capacity', // server holds its maximum number of sessions
  'unavailable', // session store failed
  'rate_limited', // too many requests or events from this address
  'code_not_found', // no session holds a short code's number (nameplate)
] as const;
export type SignalingErrorCode = (typeof SIGNALING_ERROR_CODES)[number];

export function isSignalingErrorCode(code: string): code is SignalingErrorCode {
  return (SIGNALING_ERROR_CODES as readonly string[]).includes(code);
}

export const TRANSFER_ERROR_CODES = [
  'key_invalid', // the link's key is missing or malformed
  'envelope_invalid', // a sealed envelope did not open: wrong key or tampered link/relay
  'frame_malformed', // a DataChannel frame could not be decoded
  'frame_auth_failed', // a sealed control frame did not open: wrong key or tampered
  'manifest_invalid', // the manifest did not validate
  'protocol_violation', // a frame arrived in a state that does not allow it
  'unknown_file', // a frame names a file that is not in the manifest
  'chunk_auth_failed', // a chunk failed authentication (tampered, wrong key or flag)
  'chunk_missing', // a chunk index was skipped (dropped or reordered chunk)
  'chunk_duplicate', // a chunk index came again (replayed or reordered chunk)
  'chunk_after_last', // a chunk followed the one flagged last
  'missing_last_chunk', // the file ended without a chunk flagged last (truncation)
  'chunk_size_invalid', // a chunk's size does not fit the manifest
  'size_mismatch', // the decrypted size differs from the manifest
  'hash_mismatch', // SHA-256 of the decrypted file differs from the sender's
  'too_large_for_memory', // the in-memory sink would exceed its stated limit
  'insufficient_space', // the receiver's disk quota cannot hold the transfer
  'write_failed', // writing to disk failed (quota, permission, disk full)
  'peer_error', // the other side reported an error
  'peer_left', // the other side left the session
  'channel_closed', // the DataChannel closed before the transfer finished
  'connection_failed', // WebRTC could not connect
  'no_route', // ICE found no working path, neither direct nor through the TURN relay
  'not_authentic', // key confirmation failed: the peer does not hold K or the connection was swapped
  'session_closed', // the signaling session ended
  'cancelled', // a person stopped the transfer
  'connection_lost', // the connection dropped and every attempt to resume it failed
  'server_unreachable', // the vault server did not answer (wrong address, offline)
  'wrong_code', // a short code's PAKE failed: wrong words; the sender closes the session
  'declined', // the recipient was shown the file list and said no (or could not be asked)
  'path_refused', // the recipient will not write a path: a hidden name, or a folder that is a link or a file
  'record_invalid', // a receiver's saved resume record (storage or disk) is malformed or inconsistent: never used
] as const;
export type TransferErrorCode = (typeof TRANSFER_ERROR_CODES)[number];

export function isTransferErrorCode(code: string): code is TransferErrorCode {
  return (TRANSFER_ERROR_CODES as readonly string[]).includes(code);
}

export type VaultErrorCode = SignalingErrorCode | TransferErrorCode;

export class VaultError extends Error {
  readonly code: VaultErrorCode;
  constructor(code: VaultErrorCode, message: string) {
    super(message);
    this.name = 'VaultError';
    this.code = code;
  }
}

export function isVaultError(error: unknown): error is VaultError {
  return error instanceof VaultError;
}

/** What a person reads for each code; peers' messages are never shown verbatim. */
export const USER_MESSAGES: Record<VaultErrorCode, string> = {
  bad_request: 'The request was malformed.',
  too_large: 'The message was too large.',
  not_found: 'This link does not point to a session. It may have been mistyped or already used.',
  expired: 'This link has expired. Ask the sender for a new one.',
  forbidden: 'This browser is not allowed to send in this session.',
  full: 'This link already has as many recipients as the sender allowed. Ask the sender for a new link.',
  not_joined: 'Not connected to the session yet.',
  already_joined: 'Already connected to this session.',
  unknown_peer: 'The other browser is no longer in this session.',
  capacity: 'The server is busy. Try again in a minute.',
  unavailable: 'The server cannot reach its session store. Try again shortly.',
  rate_limited: 'Too many requests from your network. Wait a minute and try again.',
  code_not_found: 'No transfer has that code. Check the number and the words, or ask the sender for a new code.',
  key_invalid: 'This link is incomplete: its secret key is missing or damaged. Ask the sender to copy the whole link again.',
  envelope_invalid: "This link's key is wrong or the connection was tampered with. Nothing was received. Ask the sender to copy the link again.",
  frame_malformed: 'The other browser sent data that could not be read.',
  frame_auth_failed: 'A message from the other browser failed its integrity check: wrong key or altered in transit.',
  manifest_invalid: 'The file list from the sender was invalid.',
  protocol_violation: 'The other browser broke the transfer protocol.',
  unknown_file: 'The sender sent a file that was not announced.',
  chunk_auth_failed: 'A piece of the file failed its integrity check: the data was altered in transit.',
  chunk_missing: 'A piece of the file went missing in transit.',
  chunk_duplicate: 'A piece of the file arrived twice.',
  chunk_after_last: 'Data arrived after the end of the file.',
  missing_last_chunk: 'The file ended early: its last piece never arrived.',
  chunk_size_invalid: 'A piece of the file had the wrong size.',
  size_mismatch: 'The received file does not have the announced size.',
  hash_mismatch: 'The received file does not match the sender’s fingerprint (SHA-256).',
  too_large_for_memory: 'This file is too large to receive in this browser.',
  insufficient_space: 'Not enough free disk space to receive this transfer.',
  write_failed: 'Could not write the file to disk.',
  peer_error: 'The other browser reported an error.',
  peer_left: 'The other browser left.',
  channel_closed: 'The connection closed before the transfer finished.',
  connection_failed: 'Could not connect the two browsers directly.',
  no_route: 'No network route to the other browser could be found, neither direct nor through the relay server.',
  not_authentic: 'Connection not authentic: the other browser could not prove it holds this link’s key. Nothing was sent.',
  session_closed: 'The session was closed by the server.',
  cancelled: 'The transfer was cancelled.',
  connection_lost: 'The connection was lost and could not be restored.',
  server_unreachable: 'Could not reach the vault server. Check its address and your network connection.',
  wrong_code: "The code was wrong. For safety the sender's session is now closed: ask the sender for a new code.",
  declined: 'The recipient declined the files. Nothing was written.',
  path_refused:
    'The recipient refused a file’s path (a hidden name starting with a dot, or a folder that is a link or a file on their side). Nothing was written.',
  record_invalid: 'The saved state of an interrupted transfer is damaged and cannot be continued.',
};
