import { describe, expect, it } from '@jest/globals';
import { buildPostgresUrl, buildRedisUrl, databaseNameOf, redactUrl, withDatabase } from './connection-url.util';

describe(buildPostgresUrl.name, () => {
  it('builds the local server URL with the default credentials', () => {
    expect(buildPostgresUrl({ port: 5433, database: 'herald' })).toBe('postgres://postgres:postgres@127.0.0.1:5433/herald');
  });

  it('percent-encodes credentials and database names', () => {
    const url = buildPostgresUrl({ port: 5432, database: 'my db', user: 'a@b', password: 'p:/ss#', host: 'db' });
    expect(url).toBe('postgres://a%40b:p%3A%2Fss%23@db:5432/my%20db');
    const parsed = new URL(url);
    expect(decodeURIComponent(parsed.password)).toBe('p:/ss#');
    expect(databaseNameOf(url)).toBe('my db');
  });

  it('brackets IPv6 hosts', () => {
    expect(buildPostgresUrl({ port: 5432, database: 'x', host: '::1' })).toBe('postgres://postgres:postgres@[::1]:5432/x');
  });
});

describe(buildRedisUrl.name, () => {
  it('builds a URL with an optional database number', () => {
    expect(buildRedisUrl({ port: 6380 })).toBe('redis://127.0.0.1:6380');
    expect(buildRedisUrl({ port: 6379, db: 2 })).toBe('redis://127.0.0.1:6379/2');
  });
});

describe(withDatabase.name, () => {
  it('swaps the database and keeps credentials and query', () => {
    expect(withDatabase('postgres://u:p@h:1/herald?sslmode=require', 'herald_test_1')).toBe(
      'postgres://u:p@h:1/herald_test_1?sslmode=require',
    );
  });

  it('adds a database to a URL without one', () => {
    expect(withDatabase('postgresql://u@h:5432', 'postgres')).toBe('postgresql://u@h:5432/postgres');
  });
});

describe(databaseNameOf.name, () => {
  it('reads the database from the path', () => {
    expect(databaseNameOf('postgres://u:p@h:5432/herald')).toBe('herald');
  });

  it('falls back to the user name like libpq does', () => {
    expect(databaseNameOf('postgres://alice:p@h:5432')).toBe('alice');
    expect(databaseNameOf('postgres://h:5432/')).toBe('postgres');
  });
});

describe(redactUrl.name, () => {
  it('hides the password only', () => {
    expect(redactUrl('postgres://u:secret@h:5432/db')).toBe('postgres://u:***@h:5432/db');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactUrl('redis://:secret@cache:6379/1')).toBe('redis://:***@cache:6379/1');
  });

  it('does not echo something unparseable', () => {
    expect(redactUrl('not a url with secret')).toBe('<invalid url>');
  });
});
