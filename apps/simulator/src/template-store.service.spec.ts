import { describe, expect, it } from '@jest/globals';
import { defaultRuntimeConfig } from './simulator.config';
import { SimulatorStats } from './simulator-stats.service';
import type { StoredTemplate } from './simulator.types';
import type { TemplateDraft } from './template-request.util';
import { TemplateStore } from './template-store.service';

const draft: TemplateDraft = {
  name: 'spring_sale',
  language: 'en_US',
  category: 'MARKETING',
  parameterFormat: 'POSITIONAL',
  components: [{ type: 'BODY', text: 'Hi {{1}}' }],
};

function storeWith(settings: Partial<ReturnType<typeof defaultRuntimeConfig>['templates']>) {
  const tasks: Array<{ delayMs: number; task: () => void }> = [];
  const changes: string[] = [];
  const store = new TemplateStore(
    () => ({ ...defaultRuntimeConfig().templates, ...settings }),
    (delayMs, task) => tasks.push({ delayMs, task }),
    (template: StoredTemplate) => changes.push(`${template.name}:${template.status}`),
    new SimulatorStats(),
  );
  return { store, tasks, changes };
}

describe(TemplateStore.name, () => {
  it('creates a template PENDING and approves it after the configured delay, reporting the change', () => {
    const { store, tasks, changes } = storeWith({ approvalDelayMs: 1500 });
    const created = store.create('2002', draft);
    if (!created.ok) throw new Error('not created');
    expect(created.template.status).toBe('PENDING');
    expect(tasks.map((t) => t.delayMs)).toEqual([1500]);
    tasks[0]?.task();
    expect(store.get(created.template.id)?.status).toBe('APPROVED');
    expect(changes).toEqual(['spring_sale:APPROVED']);
  });

  it('approves at once when the delay is 0', () => {
    const { store } = storeWith({ approvalDelayMs: 0 });
    const created = store.create('2002', draft);
    expect(created.ok && created.template.status).toBe('APPROVED');
  });

  it('rejects templates whose name matches the reject pattern', () => {
    const { store, changes } = storeWith({ approvalDelayMs: 0, rejectNamePattern: '^spring_' });
    const created = store.create('2002', draft);
    expect(created.ok && created.template.status).toBe('REJECTED');
    expect(changes).toEqual(['spring_sale:REJECTED']);
  });

  it('refuses a second template with the same name and language in the same account', () => {
    const { store } = storeWith({});
    expect(store.create('2002', draft).ok).toBe(true);
    const again = store.create('2002', draft);
    expect(again.ok).toBe(false);
    expect(store.create('2002', { ...draft, language: 'de' }).ok).toBe(true);
    expect(store.create('3003', draft).ok).toBe(true);
  });

  it('finds templates by account, name and language', () => {
    const { store } = storeWith({});
    store.seed({ ...draft, wabaId: '2002', status: 'APPROVED' });
    expect(store.find('2002', 'spring_sale', 'en_US')?.status).toBe('APPROVED');
    expect(store.find('2002', 'spring_sale', 'de')).toBeUndefined();
    expect(store.find('3003', 'spring_sale', 'en_US')).toBeUndefined();
  });

  it('does not let a late review overrule a status set meanwhile', () => {
    const { store, tasks } = storeWith({ approvalDelayMs: 1000 });
    const created = store.create('2002', draft);
    if (!created.ok) throw new Error('not created');
    store.setStatus(created.template.id, 'DISABLED');
    tasks[0]?.task();
    expect(store.get(created.template.id)?.status).toBe('DISABLED');
  });
});
