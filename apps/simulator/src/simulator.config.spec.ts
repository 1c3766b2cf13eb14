import { describe, expect, it } from '@jest/globals';
import { defaultRuntimeConfig, loadSimulatorSettings, mergeRuntimeConfig, SimulatorConfigError } from './simulator.config';

describe(mergeRuntimeConfig.name, () => {
  it('changes only the settings named', () => {
    const merged = mergeRuntimeConfig(defaultRuntimeConfig(), {
      statuses: { readProbability: 0.25 },
      webhooks: { maxStatusesPerPost: 10 },
    });
    if (!merged.ok) throw new Error(merged.problems.join('; '));
    expect(merged.config.statuses.readProbability).toBe(0.25);
    expect(merged.config.webhooks.maxStatusesPerPost).toBe(10);
    expect(merged.config.statuses.deliveredProbability).toBe(defaultRuntimeConfig().statuses.deliveredProbability);
  });

  it('reads latency ranges written several ways', () => {
    for (const latencyMs of [{ min: 5, max: 20 }, [5, 20], '5-20']) {
      const merged = mergeRuntimeConfig(defaultRuntimeConfig(), { statuses: { latencyMs } });
      expect(merged.ok && merged.config.statuses.latencyMs).toEqual({ min: 5, max: 20 });
    }
    const single = mergeRuntimeConfig(defaultRuntimeConfig(), { statuses: { latencyMs: 7 } });
    expect(single.ok && single.config.statuses.latencyMs).toEqual({ min: 7, max: 7 });
  });

  it('lists every bad or unknown setting and changes nothing', () => {
    const current = defaultRuntimeConfig();
    const merged = mergeRuntimeConfig(current, {
      statuses: { readProbability: 2, latencyMs: { min: 10, max: 5 }, colour: 'blue' },
      webhooks: 'fast',
      templates: { rejectNamePattern: '([' },
    });
    expect(merged.ok).toBe(false);
    if (merged.ok) return;
    expect(merged.problems).toEqual([
      expect.stringContaining('statuses.readProbability'),
      expect.stringContaining('statuses.latencyMs'),
      'statuses.colour: unknown setting',
      'webhooks: must be a JSON object',
      expect.stringContaining('not a valid regular expression'),
    ]);
    expect(current).toEqual(defaultRuntimeConfig());
  });

  it('refuses fault shares that add up to more than everything', () => {
    const merged = mergeRuntimeConfig(defaultRuntimeConfig(), { faults: { serverErrorShare: 0.6, timeoutShare: 0.5 } });
    expect(merged.ok).toBe(false);
  });

  it('has the provider-policy settings with their defaults', () => {
    const config = defaultRuntimeConfig();
    expect(config.latency).toEqual({ responseMs: { min: 0, max: 0 } });
    expect(config.pairRate).toEqual({ enabled: false, perSeconds: 6, burst: 45 });
    expect(config.serviceWindow).toEqual({ enforce: true });
    expect(config.marketing).toEqual({
      capped: { numbers: [], share: 0 },
      stopped: { numbers: [], share: 0 },
      experiment: { numbers: [], share: 0 },
    });
    expect(config.quality).toEqual({ heldShare: 0, heldMs: 2000 });
  });

  it('changes the provider-policy settings and names every bad value', () => {
    const merged = mergeRuntimeConfig(defaultRuntimeConfig(), {
      latency: { responseMs: '100-400' },
      pairRate: { enabled: true, perSeconds: 0.5, burst: 3 },
      serviceWindow: { enforce: false },
      marketing: { capped: { numbers: ['+15550000049'], share: 0.02 }, experiment: { share: 0.01 } },
      quality: { heldShare: 0.1, heldMs: 500 },
    });
    if (!merged.ok) throw new Error(merged.problems.join('; '));
    expect(merged.config.latency.responseMs).toEqual({ min: 100, max: 400 });
    expect(merged.config.pairRate).toEqual({ enabled: true, perSeconds: 0.5, burst: 3 });
    expect(merged.config.serviceWindow.enforce).toBe(false);
    expect(merged.config.marketing.capped).toEqual({ numbers: ['+15550000049'], share: 0.02 });
    expect(merged.config.marketing.stopped).toEqual({ numbers: [], share: 0 });
    expect(merged.config.quality).toEqual({ heldShare: 0.1, heldMs: 500 });

    const bad = mergeRuntimeConfig(defaultRuntimeConfig(), {
      latency: { responseMs: '400-100' },
      pairRate: { enabled: 'yes', perSeconds: 0, burst: 0 },
      serviceWindow: { enforce: 1 },
      marketing: { stopped: { numbers: 'everyone', share: 2 }, cap: {} },
      quality: { heldShare: -1, heldMs: 1.5 },
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems).toEqual([
      expect.stringMatching(/^latency\.responseMs: must be a range .*"400-100"/),
      'pairRate.enabled: must be true or false (got "yes")',
      'pairRate.perSeconds: must be a number from 0.001 to 86400 (got 0)',
      'pairRate.burst: must be a whole number from 1 to 100000 (got 0)',
      'serviceWindow.enforce: must be true or false (got 1)',
      'marketing.stopped.numbers: must be an array of phone numbers',
      'marketing.stopped.share: must be a number from 0 to 1 (got 2)',
      'marketing.cap: unknown setting',
      'quality.heldShare: must be a number from 0 to 1 (got -1)',
      'quality.heldMs: must be a whole number from 0 to 86400000 (got 1.5)',
    ]);
  });

  it('refuses a body that is not an object', () => {
    expect(mergeRuntimeConfig(defaultRuntimeConfig(), [1, 2]).ok).toBe(false);
  });
});

describe(loadSimulatorSettings.name, () => {
  it('defaults to 127.0.0.1:4010 with no phone numbers', () => {
    const settings = loadSimulatorSettings({});
    expect(settings).toMatchObject({ host: '127.0.0.1', port: 4010, phoneNumbers: [], templates: [] });
    expect(settings.config).toEqual(defaultRuntimeConfig());
  });

  it('reads phone numbers, templates, a JSON configuration and shortcut variables (which win)', () => {
    const settings = loadSimulatorSettings({
      SIMULATOR_PORT: '0',
      SIMULATOR_PHONE_NUMBERS: JSON.stringify({
        '1001': {
          wabaId: '2002',
          displayPhoneNumber: '+1 555 000 1111',
          accessToken: 't',
          appSecret: 's',
          messagesPerSecond: 200,
        },
      }),
      SIMULATOR_TEMPLATES: JSON.stringify([{ wabaId: '2002', name: 'welcome', language: 'en_US' }]),
      SIMULATOR_CONFIG: JSON.stringify({ statuses: { readProbability: 0.1 }, defaultMessagesPerSecond: 50 }),
      SIMULATOR_READ_PROBABILITY: '0.3',
      SIMULATOR_STATUS_LATENCY_MS: '10-20',
      SIMULATOR_NOT_ON_WHATSAPP: '+15550000000, +15550000001',
      SIMULATOR_REJECT_TEMPLATES: '^bad_',
    });
    expect(settings.port).toBe(0);
    expect(settings.phoneNumbers).toEqual([
      expect.objectContaining({
        phoneNumberId: '1001',
        displayPhoneNumber: '15550001111',
        messagesPerSecond: 200,
        webhookUrl: null,
      }),
    ]);
    expect(settings.templates).toEqual([expect.objectContaining({ name: 'welcome', status: 'APPROVED', category: 'MARKETING' })]);
    expect(settings.config.statuses.readProbability).toBe(0.3);
    expect(settings.config.defaultMessagesPerSecond).toBe(50);
    expect(settings.config.statuses.latencyMs).toEqual({ min: 10, max: 20 });
    expect(settings.config.statuses.notOnWhatsApp.numbers).toEqual(['+15550000000', '+15550000001']);
    expect(settings.config.templates.rejectNamePattern).toBe('^bad_');
  });

  it('names the variable that is wrong', () => {
    const fails = (env: Record<string, string>) => {
      try {
        loadSimulatorSettings(env);
      } catch (error) {
        return error instanceof SimulatorConfigError ? error.variable : 'other error';
      }
      return 'no error';
    };
    expect(fails({ SIMULATOR_PORT: 'eighty' })).toBe('SIMULATOR_PORT');
    expect(fails({ SIMULATOR_PHONE_NUMBERS: '{not json' })).toBe('SIMULATOR_PHONE_NUMBERS');
    expect(fails({ SIMULATOR_PHONE_NUMBERS: '[{"phoneNumberId":"1","wabaId":"2"}]' })).toBe('SIMULATOR_PHONE_NUMBERS');
    expect(fails({ SIMULATOR_DELIVERED_PROBABILITY: '1.5' })).toBe('SIMULATOR_DELIVERED_PROBABILITY');
    expect(fails({ SIMULATOR_CONFIG: '{"nope":1}' })).toBe('SIMULATOR_CONFIG');
    expect(fails({ SIMULATOR_RESPONSE_LATENCY_MS: 'fast' })).toBe('SIMULATOR_RESPONSE_LATENCY_MS');
    expect(fails({ SIMULATOR_PAIR_RATE: 'maybe' })).toBe('SIMULATOR_PAIR_RATE');
  });

  it('reads the response latency as "250" or "200-300", and the pair rate and service window switches', () => {
    expect(loadSimulatorSettings({ SIMULATOR_RESPONSE_LATENCY_MS: '250' }).config.latency.responseMs).toEqual({
      min: 250,
      max: 250,
    });
    const settings = loadSimulatorSettings({
      SIMULATOR_RESPONSE_LATENCY_MS: '200-300',
      SIMULATOR_PAIR_RATE: 'true',
      SIMULATOR_SERVICE_WINDOW: 'false',
    });
    expect(settings.config.latency.responseMs).toEqual({ min: 200, max: 300 });
    expect(settings.config.pairRate.enabled).toBe(true);
    expect(settings.config.serviceWindow.enforce).toBe(false);
  });
});
