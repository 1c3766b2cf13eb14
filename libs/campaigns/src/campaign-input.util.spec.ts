import { describe, expect, it } from '@jest/globals';
import { HeraldError } from '@herald/common';
import { parseCreateCampaign, parseRunInput, parseTimeToRun } from './campaign-input.util';

const now = new Date('2026-11-21T09:00:00Z');

function issuesOf(work: () => unknown): Array<{ field: string; issue: string }> {
  try {
    work();
  } catch (e) {
    expect(e).toBeInstanceOf(HeraldError);
    return [...(e as HeraldError).details] as Array<{ field: string; issue: string }>;
  }
  throw new Error('expected a validation error');
}

describe('timeToRun', () => {
  it('tells a time in milliseconds (Date.now()) that it looks like milliseconds, not that it is too far ahead', () => {
    const issues: Array<{ field: string; issue: string }> = [];
    const ms = Date.parse('2026-11-21T09:05:00Z');
    expect(parseTimeToRun(ms, 'timeToRun', now, issues)).toBeNull();
    parseTimeToRun(String(ms), 'timeToRun', now, issues);
    expect(issues).toEqual([
      { field: 'timeToRun', issue: `looks like milliseconds (${ms} ms is 2026-11-21T09:05:00.000Z): give unix seconds (${ms / 1000}) or an ISO-8601 time` },
      { field: 'timeToRun', issue: expect.stringMatching(/^looks like milliseconds/) },
    ]);
    expect(issuesOf(() => parseRunInput({ audiences: ['vip'], timeToRun: ms }, now))[0]?.issue).toMatch(/^looks like milliseconds/);
  });


  it('takes unix seconds and ISO-8601 with a zone; the past means now; more than 35 days ahead is refused', () => {
    const issues: Array<{ field: string; issue: string }> = [];
    expect(parseTimeToRun(1795338000, 'timeToRun', now, issues)?.toISOString()).toBe('2026-11-22T09:00:00.000Z');
    expect(parseTimeToRun('2026-11-21T10:00:00+05:30', 'timeToRun', now, issues)).toBeNull(); // 04:30Z: past
    expect(parseTimeToRun('2026-11-21T09:00:05Z', 'timeToRun', now, issues)?.toISOString()).toBe('2026-11-21T09:00:05.000Z');
    expect(parseTimeToRun(undefined, 'timeToRun', now, issues)).toBeNull();
    expect(issues).toEqual([]);
    parseTimeToRun('2026-12-27T09:00:01Z', 'timeToRun', now, issues);
    parseTimeToRun('tomorrow', 'timeToRun', now, issues);
    parseTimeToRun('2026-11-22T09:00:00', 'timeToRun', now, issues); // no zone: ambiguous
    parseTimeToRun('2026-11-31T09:00:00Z', 'timeToRun', now, issues); // no such day: not December 1
    parseTimeToRun(-1, 'timeToRun', now, issues);
    parseTimeToRun(1795338000.5, 'timeToRun', now, issues);
    expect(issues.map((i) => i.issue)).toEqual([
      'must be at most 35 days ahead',
      ...Array(5).fill(expect.stringContaining('unix seconds or an ISO-8601')),
    ]);
  });
});

describe('run and campaign bodies', () => {
  it('reads a run: audiences (or "all" alone) and timeToRun; unknown fields are named', () => {
    expect(parseRunInput({ audiences: ['vip', 'vip', 'new'] }, now)).toEqual({
      audiences: ['vip', 'new'],
      timeToRun: null,
      validitySeconds: null,
      ignoreQuietHours: false,
      tags: [],
    });
    expect(parseRunInput({ audiences: ['vip'], validity: 600, ignoreQuietHours: true }, now)).toMatchObject({ validitySeconds: 600, ignoreQuietHours: true });
    expect(issuesOf(() => parseRunInput({ audiences: ['vip'], validity: 5, ignoreQuietHours: 'yes' }, now)).map((i) => i.field)).toEqual([
      'validity',
      'ignoreQuietHours',
    ]);
    expect(issuesOf(() => parseRunInput({ audiences: [], when: 1 }, now)).map((i) => i.field)).toEqual(['when', 'audiences']);
    expect(issuesOf(() => parseRunInput({ audiences: ['all', 'vip'] }, now))[0]!.issue).toContain('"all"');
  });

  it('reads a campaign with its defaults, and reports every problem at once', () => {
    const c = parseCreateCampaign({ title: ' Sale ', message: 'Hi {{name}}, {orders.id}' }, now);
    expect(c).toMatchObject({
      title: 'Sale',
      body: 'Hi {{1}}, {{2}}',
      templateType: 'MARKETING',
      languageCode: 'en_US',
      sendWindow: null,
      run: null,
    });
    expect(c.variables.map((v) => v.token)).toEqual(['name', 'orders.id']);
    const fields = issuesOf(() =>
      parseCreateCampaign(
        {
          title: '',
          message: 'x',
          imgUrl: 'ftp://x',
          languageCode: 'english',
          sendWindow: { start: '25:00', end: '10:00' },
          options: { audiences: ['vip'] },
          extra: true,
          buttons: [{ text: 'Reply', type: 'input', input: 'has space' }],
        },
        now,
      ),
    ).map((i) => i.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'extra',
        'title',
        'imgUrl',
        'buttons[0].input',
        'languageCode',
        'sendWindow.start',
        'options.runImmediately',
      ]),
    );
    const run = parseCreateCampaign({ title: 'Now', message: 'Hi', options: { runImmediately: true, audiences: ['all'] } }, now);
    expect(run.run).toEqual({ audiences: ['all'], timeToRun: null });
  });
});
