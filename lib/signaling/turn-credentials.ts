import { createHmac } from 'node:crypto';
import type { IceServer } from '../protocol/signaling';

// Short-lived TURN credentials in coturn's `use-auth-secret` scheme (the "TURN REST
// API", draft-uberti-behave-turn-rest-00): coturn shares only a secret with us, and
// recomputes the password from the username itself, so nothing is stored per peer and
// a leaked credential stops working by itself once its expiry passes.

export interface TurnSettings {
  urls: string[];
  /** coturn's `static-auth-secret` */
  secret: string;
  /** how long a credential stays valid after it is made */
  ttlSeconds: number;
}

export interface TurnCredential {
  /** `<expiry as Unix seconds>:<id>`; coturn reads the expiry before the first ':' */
  username: string;
  /** base64(HMAC-SHA1(secret, username)), coturn's default digest for this scheme */
  credential: string;
}

export function turnCredential(secret: string, id: string, expiresAtSeconds: number): TurnCredential {
  const username = `${expiresAtSeconds}:${id}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/** The ICE server entry for one peer: its own credential, valid for `ttlSeconds` from `nowMs`. */
export function turnIceServer(settings: TurnSettings, id: string, nowMs = Date.now()): IceServer {
  const expiresAt = Math.floor(nowMs / 1000) + settings.ttlSeconds;
  return { urls: settings.urls, ...turnCredential(settings.secret, id, expiresAt) };
}
