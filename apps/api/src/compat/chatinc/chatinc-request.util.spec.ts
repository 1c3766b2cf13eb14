import { describe, expect, it } from '@jest/globals';
import { HeraldError } from '@herald/common';
import type { CampaignView } from '@herald/campaigns';
import {
  activeFilter,
  detailsRequest,
  renameFields,
  resolveAudiences,
  toAudience,
  toChatIncCampaign,
  toLanguageCode,
  toNativeCampaign,
  toNativeRun,
  withGroupIds,
} from './chatinc-request.util';

const AUDIENCES = [
  { id: 'frequent-shoppers', name: 'Frequent Shoppers' },
  { id: 'myAudienceId', name: 'My Audience' },
];
const GROUPS = [{ id: 'myVariableGroupId', name: 'users' }];
const DIRECTORY = { audiences: AUDIENCES, groups: GROUPS };

function fields(work: () => unknown): string[] {
  try {
    work();
  } catch (error) {
    return (error as HeraldError).details.map((d) => d.field ?? '');
  }
  return [];
}

describe("Chat Inc's requests as Herald's", () => {
  it("reads its SDK's createCampaign: a journey button, run now for an audience named by its name", () => {
    const native = toNativeCampaign(
      {
        title: 'My Marketing Campaign',
        message: 'This is an awesome broadcast campaign message.',
        buttons: [{ text: 'Button 1', type: 'journey', journeyId: 'myJourneyId' }],
        options: { runImmediately: true, audiences: ['Frequent Shoppers'] },
      },
      DIRECTORY,
      'ch-1',
    );
    expect(native.body).toEqual({
      channelId: 'ch-1',
      title: 'My Marketing Campaign',
      message: 'This is an awesome broadcast campaign message.',
      buttons: [{ text: 'Button 1', type: 'journey', journeyId: 'myJourneyId' }],
      options: { runImmediately: true, audiences: ['frequent-shoppers'] },
    });
  });

  it('turns an input button\'s input into the reply a press records, enUS into en_US, and {group_name.field} into the id', () => {
    const native = toNativeCampaign(
      {
        title: 't',
        message: 'Hello, {users.first_name} {{name}} {myVariableGroupId.last_name}',
        buttons: [{ text: 'Send Message', type: 'input', input: 'Hello, World.' }],
        templateType: 'MARKETING',
        options: { languageCode: 'enUS', timeToRun: 1795305600, runImmediately: true, audiences: ['all'] },
      },
      DIRECTORY,
      'ch-1',
    );
    expect(native.body).toMatchObject({
      message: 'Hello, {myVariableGroupId.first_name} {{name}} {myVariableGroupId.last_name}',
      buttons: [{ text: 'Send Message', type: 'input', input: 'response', reply: 'Hello, World.' }],
      templateType: 'MARKETING',
      languageCode: 'en_US',
      options: { runImmediately: true, audiences: ['all'], timeToRun: 1795305600 },
    });
    expect(toNativeCampaign({ title: 't', message: 'm', options: { whatsAppTemplateType: 'UTILITY' } }, DIRECTORY, 'c').fieldNames).toEqual({
      templateType: 'options.whatsAppTemplateType',
      languageCode: 'options.languageCode',
    });
  });

  it('names every field that is wrong, as Chat Inc wrote it', () => {
    expect(fields(() => toNativeCampaign({ title: 't', message: 'm', options: { runImmediately: true } }, DIRECTORY, 'c'))).toEqual(['options.audiences']);
    expect(fields(() => toNativeCampaign({ title: 't', message: 'm', options: { audiences: ['all'] } }, DIRECTORY, 'c'))).toEqual(['options.runImmediately']);
    expect(fields(() => toNativeCampaign({ title: 't', message: 'm', options: { languageCode: 'english' }, titel: 'x' }, DIRECTORY, 'c'))).toEqual([
      'titel',
      'options.languageCode',
    ]);
    expect(fields(() => toNativeCampaign({ title: 't', message: 'm', buttons: [{ text: 'Go', type: 'input' }] }, DIRECTORY, 'c'))).toEqual(['buttons[0].input']);
    expect(fields(() => toNativeCampaign({ title: 't', message: 'm', templateType: 'MARKETING', options: { whatsAppTemplateType: 'UTILITY' } }, DIRECTORY, 'c'))).toEqual([
      'options.whatsAppTemplateType',
    ]);
    const renamed = renameFields(
      new HeraldError('invalid', 'validation_failed', 'Invalid campaign: templateType must be one of MARKETING, UTILITY.', [{ field: 'templateType', issue: 'x' }]),
      { templateType: 'options.whatsAppTemplateType' },
    ) as HeraldError;
    expect([renamed.message, renamed.details[0]!.field]).toEqual(['Invalid campaign: options.whatsAppTemplateType must be one of MARKETING, UTILITY.', 'options.whatsAppTemplateType']);
    // Herald's reply is the input button's `input`: a too-long one is named as Chat Inc wrote it.
    const reply = renameFields(
      new HeraldError('invalid', 'validation_failed', 'Invalid campaign: buttons[1].reply must be 1-1000 characters.', [{ field: 'buttons[1].reply', issue: 'x' }]),
      {},
    ) as HeraldError;
    expect([reply.message, reply.details[0]!.field]).toEqual(['Invalid campaign: buttons[1].input must be 1-1000 characters.', 'buttons[1].input']);
  });

  it('reads language codes and audience references', () => {
    expect(['enUS', 'en_US', 'en', 'ptBR', 'english', 'EN'].map(toLanguageCode)).toEqual(['en_US', 'en_US', 'en', 'pt_BR', undefined, undefined]);
    expect(resolveAudiences(['all', 'myAudienceId', 'My Audience', 'Nobody', 3], AUDIENCES)).toEqual(['all', 'myAudienceId', 'myAudienceId', 'Nobody', 3]);
    expect(withGroupIds('{users.a} {{users.a}} {unknown.b}', GROUPS)).toBe('{myVariableGroupId.a} {{users.a}} {unknown.b}');
  });

  it("runs a campaign for audiences, or again for its last run's audiences when its curl names none", () => {
    expect(toNativeRun({ campaignId: 'c1', audiences: ['all'], timeToRun: 1795305600 }, AUDIENCES, undefined)).toEqual({
      campaignId: 'c1',
      body: { audiences: ['all'], timeToRun: 1795305600 },
    });
    expect(toNativeRun({ campaignId: 'c1' }, AUDIENCES, ['myAudienceId'])).toEqual({ campaignId: 'c1', body: { audiences: ['myAudienceId'] } });
    expect(fields(() => toNativeRun({ campaignId: 'c1' }, AUDIENCES, undefined))).toEqual(['audiences']);
    expect(fields(() => toNativeRun({ audiences: ['all'] }, AUDIENCES, undefined))).toEqual(['campaignId']);
  });

  it('reads details, active, audiences', () => {
    expect(detailsRequest({ campaignId: 'c_B5ibuY0ubsjsGHE', format: 'csv' })).toEqual({ campaignId: 'c_B5ibuY0ubsjsGHE', format: 'csv' });
    expect(fields(() => detailsRequest({ campaignId: 'c', format: 'xml' }))).toEqual(['format']);
    expect([activeFilter(undefined), activeFilter('true'), activeFilter(false)]).toEqual([undefined, 'true', 'false']);
    expect(fields(() => activeFilter('yes'))).toEqual(['active']);
    expect(toAudience({ id: 'myAudienceId', contacts: [{ number: '1234567890' }] })).toEqual({ id: 'myAudienceId', contacts: [{ number: '1234567890' }] });
    expect(fields(() => toAudience({ name: 'x', contacts: {} }))).toEqual(['id', 'contacts']);
  });
});

describe("Herald's campaign in Chat Inc's shape", () => {
  it('writes the fields of its "Retrieve All Campaigns" example', () => {
    const view = {
      id: 'c1',
      title: 'test_with_image',
      message: 'Hi {users.first_name}!',
      imgUrl: null,
      buttons: [
        { text: 'Complete Application', type: 'input', input: 'response', reply: 'Apply' },
        { text: 'Start', type: 'journey', journeyId: 'j' },
      ],
      languageCode: 'en_US',
      templateName: 'test_with_image_c1',
      templateStatus: 'APPROVED',
      totalSent: 3,
      totalDelivered: 2,
      totalRead: 1,
      runs: [],
    } as unknown as CampaignView;
    expect(toChatIncCampaign(view)).toEqual({
      imgUrl: null,
      variables: ['users.first_name'],
      buttons: [
        { text: 'Complete Application', type: 'input', input: 'Apply' },
        { text: 'Start', type: 'journey', journeyId: 'j' },
      ],
      campaignId: 'c1',
      locale: 'en_US',
      message: 'Hi {users.first_name}!',
      templateId: 'test_with_image_c1',
      title: 'test_with_image',
      runs: [],
      totalSent: 3,
      totalDelivered: 2,
      totalRead: 1,
      whatsAppTemplatesStatus: 'APPROVED',
    });
  });
});
