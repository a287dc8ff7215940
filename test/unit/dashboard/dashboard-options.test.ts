// Dashboard options: loopback and a chosen port by default; bad values rejected naming the option.
import { describe, expect, it } from 'vitest';
import { resolveDashboardOptions } from '../../../src/dashboard/dashboard-options.ts';

describe('dashboard options', () => {
  it('defaults: 127.0.0.1, a free port, closed with the job, with the page', () => {
    expect(resolveDashboardOptions(true)).toEqual({
      port: 0,
      host: '127.0.0.1',
      keepAlive: false,
      page: true,
    });
    expect(resolveDashboardOptions({ port: 8081, host: '::1', keepAlive: true })).toMatchObject({
      port: 8081,
      host: '::1',
      keepAlive: true,
    });
  });

  it.each([
    [{ port: -1 }, 'dashboard.port'],
    [{ port: 1.5 }, 'dashboard.port'],
    [{ port: '8081' }, 'dashboard.port'],
    [{ host: 'dashboard.example' }, 'dashboard.host'],
    [{ keepAlive: 'yes' }, 'dashboard.keepAlive'],
    [{ page: 1 }, 'dashboard.page'],
    ['8081', 'dashboard'],
  ])('%j is refused naming %s', (options, option) => {
    expect(() => resolveDashboardOptions(options)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION', option }),
    );
  });
});
