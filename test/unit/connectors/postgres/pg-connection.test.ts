// The SQL the PostgreSQL connectors build: quoted names, multi-row inserts and upserts; addresses
// for messages carry no credentials.
import { describe, expect, it } from 'vitest';
import { insertStatement, quoteName } from '../../../../src/connectors/postgres/pg-connection.ts';
import { postgresAddress } from '../../../../src/connectors/postgres/postgres-options.ts';

describe('PostgreSQL statements', () => {
  it('quote each part of a name', () => {
    expect(quoteName('s.t')).toBe('"s"."t"');
    expect(quoteName('we"ird')).toBe('"we""ird"');
  });
  it('insert rows with numbered parameters, upsert on a key', () => {
    expect(insertStatement('t', ['a', 'b'], 2)).toBe('INSERT INTO "t" ("a", "b") VALUES ($1, $2), ($3, $4)');
    expect(insertStatement('t', ['k', 'v'], 1, ['k'])).toBe(
      'INSERT INTO "t" ("k", "v") VALUES ($1, $2) ON CONFLICT ("k") DO UPDATE SET "v" = EXCLUDED."v"',
    );
    expect(insertStatement('t', ['k'], 1, ['k'])).toBe(
      'INSERT INTO "t" ("k") VALUES ($1) ON CONFLICT ("k") DO NOTHING',
    );
  });
  it('name the address without the password', () => {
    expect(postgresAddress({ connectionString: 'postgres://u:secret@db.example:6543/app' })).toBe(
      'db.example:6543/app',
    );
  });
});
