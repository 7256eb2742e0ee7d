import type { z } from 'zod';
import { openControlFrame, sealControlFrame, type Direction } from '../crypto/envelope';
import type { SessionKeys } from '../crypto/keys';
import { VaultError, isTransferErrorCode, isVaultError, type TransferErrorCode } from '../protocol/errors';
import type { ControlFrame, ControlFrameType } from '../protocol/frames';
import { ErrorBodySchema, type ErrorBody } from '../protocol/messages';
import type { FramePort } from './port';

// Sealing and opening control frames for one side of the channel.

export class ControlChannel {
  constructor(
    private readonly keys: SessionKeys,
    private readonly port: FramePort,
    private readonly outgoing: Direction,
    private readonly incoming: Direction,
  ) {}

  async send(type: ControlFrameType, body: unknown): Promise<void> {
    this.port.send(await sealControlFrame(this.keys, type, this.outgoing, body));
  }

  /** Opens a frame and validates its JSON; a body that fails its schema is `frame_malformed`. */
  async open<T extends z.ZodType>(frame: ControlFrame, schema: T, invalidCode: TransferErrorCode = 'frame_malformed'): Promise<z.infer<T>> {
    const value = await openControlFrame(this.keys, frame, this.incoming);
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new VaultError(invalidCode, `${frame.type} frame is invalid: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }

  /** The peer's error or cancel frame, turned into the error this side reports. */
  async peerError(frame: ControlFrame): Promise<VaultError> {
    const body = await this.open(frame, ErrorBodySchema);
    return new VaultError(body.code, `the other browser reported: ${body.message}`);
  }

  /** Best effort: tell the peer why we stop. */
  async sendError(error: unknown): Promise<void> {
    const body: ErrorBody = isVaultError(error) && isTransferErrorCode(error.code)
      ? { code: error.code, message: error.message.slice(0, 500) }
      : { code: 'protocol_violation', message: 'internal error' };
    try {
      await this.send(body.code === 'cancelled' ? 'cancel' : 'error', body);
    } catch {
      // the channel may already be gone
    }
  }
}

export function toVaultError(error: unknown): VaultError {
  if (isVaultError(error)) return error;
  return new VaultError('protocol_violation', error instanceof Error ? error.message : String(error));
}
