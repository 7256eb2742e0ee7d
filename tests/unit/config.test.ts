import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/config';

describe('configuration from the environment', () => {
  it('has working defaults', () => {
    expect(loadConfig({})).toMatchObject({ PORT: 3000, HOST: '0.0.0.0', SESSION_TTL_SECONDS: 3600, MAX_SESSIONS: 10_000 });
  });
  it('parses ICE servers as JSON and treats empty values as unset', () => {
    const config = loadConfig({ ICE_SERVERS: '[{"urls":["stun:a","turn:b"],"username":"u","credential":"c"}]', PORT: '' });
    expect(config.ICE_SERVERS).toEqual([{ urls: ['stun:a', 'turn:b'], username: 'u', credential: 'c' }]);
    expect(config.PORT).toBe(3000);
    expect(loadConfig({ ICE_SERVERS: '[]' }).ICE_SERVERS).toEqual([]);
  });
  it('names every bad setting', () => {
    try {
      loadConfig({ PORT: '70000', SESSION_TTL_SECONDS: 'soon', ICE_SERVERS: '{', LOG_LEVEL: 'loud' });
      throw new Error('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      for (const name of ['PORT', 'SESSION_TTL_SECONDS', 'ICE_SERVERS', 'LOG_LEVEL']) expect((error as Error).message).toContain(name);
    }
  });
  it('has abuse limits on by default and the hostile relay off unless both test variables are set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ RATE_LIMIT_SESSIONS_PER_MINUTE: 20, RATE_LIMIT_EVENTS_PER_MINUTE: 600, RATE_LIMIT_JOINS_PER_MINUTE: 30, RATE_LIMIT_CODE_LOOKUPS_PER_MINUTE: 30, TRUST_PROXY: false });
    expect(loadConfig({ RATE_LIMIT_CODE_LOOKUPS_PER_MINUTE: '5' }).RATE_LIMIT_CODE_LOOKUPS_PER_MINUTE).toBe(5);
    expect(() => loadConfig({ RATE_LIMIT_CODE_LOOKUPS_PER_MINUTE: '0' })).toThrow(/RATE_LIMIT_CODE_LOOKUPS_PER_MINUTE/);
    expect(config.P2PVAULT_TEST_HOSTILE_RELAY).toBeUndefined();
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(true);
    expect(() => loadConfig({ P2PVAULT_TEST_HOSTILE_RELAY: 'replay' })).toThrow(/P2PVAULT_TEST_HOSTILE_RELAY: is a test-only setting/);
    expect(() => loadConfig({ P2PVAULT_TEST: '1', P2PVAULT_TEST_HOSTILE_RELAY: 'eavesdrop' })).toThrow(/P2PVAULT_TEST_HOSTILE_RELAY/);
    expect(loadConfig({ P2PVAULT_TEST: '1', P2PVAULT_TEST_HOSTILE_RELAY: 'replay' }).P2PVAULT_TEST_HOSTILE_RELAY).toBe('replay');
  });

  it('has crowd limits with defaults: unclaimed sessions live 60 s, 20 live sessions and 50 sockets per address, 30 s to join and to finish a code', () => {
    expect(loadConfig({})).toMatchObject({
      SESSION_UNCLAIMED_TTL_SECONDS: 60,
      MAX_SESSIONS_PER_ADDRESS: 20,
      MAX_SOCKETS_PER_ADDRESS: 50,
      SOCKET_JOIN_TIMEOUT_SECONDS: 30,
      CODE_EXCHANGE_TIMEOUT_SECONDS: 30,
    });
    expect(loadConfig({ SESSION_UNCLAIMED_TTL_SECONDS: '2', MAX_SESSIONS_PER_ADDRESS: '3', MAX_SOCKETS_PER_ADDRESS: '4', SOCKET_JOIN_TIMEOUT_SECONDS: '5', CODE_EXCHANGE_TIMEOUT_SECONDS: '6' })).toMatchObject({
      SESSION_UNCLAIMED_TTL_SECONDS: 2,
      MAX_SESSIONS_PER_ADDRESS: 3,
      MAX_SOCKETS_PER_ADDRESS: 4,
      SOCKET_JOIN_TIMEOUT_SECONDS: 5,
      CODE_EXCHANGE_TIMEOUT_SECONDS: 6,
    });
    for (const name of ['SESSION_UNCLAIMED_TTL_SECONDS', 'MAX_SESSIONS_PER_ADDRESS', 'MAX_SOCKETS_PER_ADDRESS', 'SOCKET_JOIN_TIMEOUT_SECONDS', 'CODE_EXCHANGE_TIMEOUT_SECONDS']) {
      expect(() => loadConfig({ [name]: '0' })).toThrow(new RegExp(name));
    }
  });

  it('reads TURN settings as a JSON array or a comma-separated list, with defaults for the rest', () => {
    const secret = 'a-coturn-static-auth-secret';
    expect(loadConfig({})).toMatchObject({ TURN_TTL_SECONDS: 3600, ICE_TRANSPORT_POLICY: 'all' });
    expect(loadConfig({}).TURN_URLS).toBeUndefined();
    const json = loadConfig({ TURN_URLS: '["turn:turn.example:3478?transport=udp","turns:turn.example:5349"]', TURN_SECRET: secret });
    expect(json.TURN_URLS).toEqual(['turn:turn.example:3478?transport=udp', 'turns:turn.example:5349']);
    const list = loadConfig({ TURN_URLS: 'turn:127.0.0.1:3478, turn:[::1]:3478?transport=tcp', TURN_SECRET: secret, TURN_TTL_SECONDS: '600', ICE_TRANSPORT_POLICY: 'relay' });
    expect(list).toMatchObject({ TURN_URLS: ['turn:127.0.0.1:3478', 'turn:[::1]:3478?transport=tcp'], TURN_SECRET: secret, TURN_TTL_SECONDS: 600, ICE_TRANSPORT_POLICY: 'relay' });
  });
  it('refuses half a TURN setup, naming the missing variable', () => {
    expect(() => loadConfig({ TURN_URLS: 'turn:turn.example:3478' })).toThrow(/TURN_SECRET: is required when TURN_URLS is set/);
    expect(() => loadConfig({ TURN_SECRET: 'a-coturn-static-auth-secret' })).toThrow(/TURN_URLS: is required when TURN_SECRET is set/);
  });
  it('refuses bad TURN values', () => {
    const secret = 'a-coturn-static-auth-secret';
    for (const [env, name] of [
      [{ TURN_URLS: 'stun:turn.example:3478', TURN_SECRET: secret }, 'TURN_URLS'],
      [{ TURN_URLS: 'turn:turn.example:3478?transport=sctp', TURN_SECRET: secret }, 'TURN_URLS'],
      [{ TURN_URLS: '["turn:a"', TURN_SECRET: secret }, 'TURN_URLS'],
      [{ TURN_URLS: '[]', TURN_SECRET: secret }, 'TURN_URLS'],
      [{ TURN_URLS: 'turn:a', TURN_SECRET: 'short' }, 'TURN_SECRET'],
      [{ TURN_URLS: 'turn:a', TURN_SECRET: secret, TURN_TTL_SECONDS: '10' }, 'TURN_TTL_SECONDS'],
      [{ ICE_TRANSPORT_POLICY: 'direct' }, 'ICE_TRANSPORT_POLICY'],
    ] as const) {
      expect(() => loadConfig(env)).toThrow(new RegExp(`  ${name}[.:]`));
    }
  });
  it("refuses the 'relay' policy without any TURN server to relay through", () => {
    expect(() => loadConfig({ ICE_TRANSPORT_POLICY: 'relay' })).toThrow(/ICE_TRANSPORT_POLICY: 'relay' needs a TURN server/);
    const statics = '[{"urls":"turn:turn.example:3478","username":"u","credential":"c"}]';
    expect(loadConfig({ ICE_TRANSPORT_POLICY: 'relay', ICE_SERVERS: statics }).ICE_TRANSPORT_POLICY).toBe('relay');
  });
});
