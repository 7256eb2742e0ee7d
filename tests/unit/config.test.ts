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
    expect(config).toMatchObject({ RATE_LIMIT_SESSIONS_PER_MINUTE: 20, RATE_LIMIT_EVENTS_PER_MINUTE: 600, RATE_LIMIT_JOINS_PER_MINUTE: 30, TRUST_PROXY: false });
    expect(config.P2PVAULT_TEST_HOSTILE_RELAY).toBeUndefined();
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(true);
    expect(() => loadConfig({ P2PVAULT_TEST_HOSTILE_RELAY: 'replay' })).toThrow(/P2PVAULT_TEST_HOSTILE_RELAY: is a test-only setting/);
    expect(() => loadConfig({ P2PVAULT_TEST: '1', P2PVAULT_TEST_HOSTILE_RELAY: 'eavesdrop' })).toThrow(/P2PVAULT_TEST_HOSTILE_RELAY/);
    expect(loadConfig({ P2PVAULT_TEST: '1', P2PVAULT_TEST_HOSTILE_RELAY: 'replay' }).P2PVAULT_TEST_HOSTILE_RELAY).toBe('replay');
  });
});
