import { describe, expect, it } from '@jest/globals';
import { Clock } from '@herald/common';
import type { ClickRecorder } from './click-recorder.service';
import { LinkRedirects } from './link-redirects.service';
import type { LinkRepository } from './link.repository';
import type { LinkTarget, PendingClick } from './links.types';

const target = (n: number): LinkTarget => ({ destination: `https://a.test/${n}`, workspaceId: 'w', sendRef: `r:${n}`, runId: null });
const code = (n: number): string => `code${String(n).padStart(8, '0')}`;

function redirectsOver(stored: Map<string, LinkTarget>, failing = false) {
  const lookups: string[][] = [];
  const clicks: PendingClick[] = [];
  const repo = {
    targets: async (codes: readonly string[]) => {
      lookups.push([...codes]);
      if (failing) throw new Error('connection refused');
      return new Map(codes.filter((c) => stored.has(c)).map((c) => [c, stored.get(c)!]));
    },
  } as unknown as LinkRepository;
  const recorder = { record: (c: PendingClick) => clicks.push(c) } as unknown as ClickRecorder;
  return { redirects: new LinkRedirects(repo, recorder, new Clock()), lookups, clicks };
}

describe(LinkRedirects.name, () => {
  const stored = new Map([1, 2, 3].map((n) => [code(n), target(n)]));
  const visit = { userAgent: 'Mozilla/5.0', isClick: true };

  it('reads concurrent first clicks with one lookup, each code once, and later clicks from memory', async () => {
    const { redirects, lookups, clicks } = redirectsOver(stored);
    const answers = await Promise.all([1, 2, 2, 3, 4].map((n) => redirects.follow(code(n), visit)));
    expect(answers).toEqual(['https://a.test/1', 'https://a.test/2', 'https://a.test/2', 'https://a.test/3', null]);
    expect(lookups).toEqual([[code(1), code(2), code(3), code(4)]]);
    expect(await redirects.follow(code(2), visit)).toBe('https://a.test/2');
    expect(lookups).toHaveLength(1);
    expect(clicks.map((c) => c.sendRef)).toEqual(['r:1', 'r:2', 'r:2', 'r:3', 'r:2']);
  });

  it('never looks up a malformed code, and records no click for a HEAD or a preview fetcher', async () => {
    const { redirects, lookups, clicks } = redirectsOver(stored);
    expect(await redirects.follow('../../x', visit)).toBeNull();
    expect(lookups).toEqual([]);
    expect(await redirects.follow(code(1), { userAgent: 'WhatsApp/2.24.1 A', isClick: true })).toBe('https://a.test/1');
    expect(await redirects.follow(code(1), { isClick: false })).toBe('https://a.test/1');
    expect(clicks).toEqual([]);
  });

  it('rejects every click of a lookup Postgres did not answer, and tries again on the next click', async () => {
    const { redirects } = redirectsOver(stored, true);
    const both = [redirects.follow(code(1), visit), redirects.follow(code(2), visit)];
    for (const answer of both) await expect(answer).rejects.toThrow('connection refused');
    await expect(redirects.follow(code(1), visit)).rejects.toThrow('connection refused');
  });
});
