import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', databaseUrl: undefined, isSeedEnabled: true, demoPassword: undefined });
    expect(c.dataDir).toBe(path.resolve('./data'));
  });

  it('reads every variable', () => {
    const c = loadConfig({
      PORT: '9000', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u@h:5432/db', BIHUAN_DATA_DIR: '/srv/bihuan',
      BIHUAN_SEED: 'off', BIHUAN_DEMO_PASSWORD: 'long-enough',
    });
    expect(c).toMatchObject({ port: 9000, host: '0.0.0.0', databaseUrl: 'postgres://u@h:5432/db', dataDir: '/srv/bihuan', isSeedEnabled: false, demoPassword: 'long-enough' });
  });

  it('reads a blank number as unset, never as 0, which would turn protections off', () => {
    expect(loadConfig({ BIHUAN_REAUTH_MINUTES: '', BIHUAN_RETENTION_DAYS: ' ', BIHUAN_DORMANT_ACCOUNT_DAYS: '' })).toMatchObject({ reauthMinutes: 15, retentionDays: 1095, dormantAccountDays: 90 });
    expect(loadConfig({ BIHUAN_REAUTH_MINUTES: '0' }).reauthMinutes).toBe(0);
    expect(loadConfig({ BIHUAN_REAUTH_MINUTES: '30' }).reauthMinutes).toBe(30);
    expect(() => loadConfig({ BIHUAN_REAUTH_MINUTES: 'soon' })).toThrow(/BIHUAN_REAUTH_MINUTES/);
    expect(() => loadConfig({ BIHUAN_REAUTH_MINUTES: '1.5' })).toThrow(/BIHUAN_REAUTH_MINUTES/);
  });

  it('keeps new-device notices 90 days and known devices 400 unless told otherwise; 0 keeps them', () => {
    expect(loadConfig({})).toMatchObject({ signInNoticeDays: 90, knownDeviceDays: 400 });
    expect(loadConfig({ BIHUAN_SIGNIN_NOTICE_DAYS: '', BIHUAN_KNOWN_DEVICE_DAYS: ' ' })).toMatchObject({ signInNoticeDays: 90, knownDeviceDays: 400 });
    expect(loadConfig({ BIHUAN_SIGNIN_NOTICE_DAYS: '30', BIHUAN_KNOWN_DEVICE_DAYS: '0' })).toMatchObject({ signInNoticeDays: 30, knownDeviceDays: 0 });
    expect(() => loadConfig({ BIHUAN_SIGNIN_NOTICE_DAYS: '-1' })).toThrow(/BIHUAN_SIGNIN_NOTICE_DAYS/);
    expect(() => loadConfig({ BIHUAN_KNOWN_DEVICE_DAYS: 'a year' })).toThrow(/BIHUAN_KNOWN_DEVICE_DAYS/);
  });

  it('runs the background work in the server unless told to leave it to `bihuan worker`', () => {
    expect(loadConfig({}).isBackgroundEnabled).toBe(true);
    expect(loadConfig({ BIHUAN_BACKGROUND: 'off' }).isBackgroundEnabled).toBe(false);
  });

  it('prepares plan-stable statements unless BIHUAN_DB_PREPARE is off, and refuses a value it cannot read', () => {
    expect(loadConfig({}).isPreparingStatements).toBe(true);
    expect(loadConfig({ BIHUAN_DB_PREPARE: 'off' }).isPreparingStatements).toBe(false);
    expect(() => loadConfig({ BIHUAN_DB_PREPARE: 'sometimes' })).toThrow(/BIHUAN_DB_PREPARE/);
  });

  it('believes the forwarded address of the proxies it is told of, never of every hop', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ BIHUAN_TRUST_PROXY: 'off' }).trustProxy).toBe(false);
    expect(loadConfig({ BIHUAN_TRUST_PROXY: 'on' }).trustProxy).toBe(1);
    expect(loadConfig({ BIHUAN_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ BIHUAN_TRUST_PROXY: '10.0.0.0/8, 192.168.1.5' }).trustProxy).toEqual(['10.0.0.0/8', '192.168.1.5']);
    expect(() => loadConfig({ BIHUAN_TRUST_PROXY: 'everyone' })).toThrow(ConfigError);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', BIHUAN_DEMO_PASSWORD: '' })).toMatchObject({ databaseUrl: undefined, demoPassword: undefined });
  });

  it('reports every problem at once, by variable name', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', BIHUAN_SEED: 'maybe', BIHUAN_DEMO_PASSWORD: 'short' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      for (const name of ['PORT', 'DATABASE_URL', 'BIHUAN_SEED', 'BIHUAN_DEMO_PASSWORD']) expect(problems).toContain(name);
    }
  });
});
