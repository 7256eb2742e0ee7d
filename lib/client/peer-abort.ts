import { isTransferErrorCode, isVaultError, type TransferErrorCode } from '../protocol/errors';

/**
 * The code to tell the peer with a sealed abort over signaling, or null. Before the
 * channel opens signaling is the only way it can learn why; a peer that stopped us
 * with its own abort needs none back.
 */
export function abortForPeer(error: unknown, channelOpen: boolean, peerAborted: boolean): TransferErrorCode | null {
  if (channelOpen || peerAborted || !isVaultError(error) || !isTransferErrorCode(error.code)) return null;
  return error.code;
}
