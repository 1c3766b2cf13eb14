import { digitsOf, rec, str, unixSeconds, type CallbackEnvelope, type Rendering, type SenderFacts } from './callback-format.types';
import { statusFailureOf } from './status-failure.util';

/**
 * EngageLab's WhatsApp message status callback (engagelab.com/docs/whatsapp/rest-api/callback-api):
 * `{total, rows: [{message_id, from, to, server: "whatsapp", channel: "whatsapp", itime, custom_args, status}]}`,
 * `status` being `{message_status, status_data, error_code, error_detail}` as in EngageLab's lifecycle status
 * callback (engagelab.com/docs/otp/api/lifecycle: `error_code` 0 means no error). One row per delivery (Herald
 * delivers and retries each event on its own). `message_id` is the id Herald answered on the send (EngageLab's
 * surface answers `{message_id, request_id}`), and `request_id` / `custom_args` come back exactly as given.
 *
 * EngageLab's WhatsApp callback carries no signature ("the callback does not contain authentication information"):
 * deliveries carry Herald-Signature, which a receiver may check or ignore.
 */

/**
 * Herald's statuses in EngageLab's words. Before the provider sent it (queued, scheduled, accepted, held) EngageLab
 * reports nothing Herald can match, so those are skipped; a failure before WhatsApp took the message is
 * `sent_fail`, after it `delivered_fail` (EngageLab's lifecycle status names).
 */
function engagelabStatus(data: Record<string, unknown>): string | null {
  const status = str(data['status']) ?? '';
  switch (status) {
    case 'sent':
    case 'delivered':
    case 'read':
      return status;
    case 'failed':
      return str(data['providerMessageId']) === null ? 'sent_fail' : 'delivered_fail';
    case 'skipped':
    case 'expired':
    case 'cancelled':
      return 'sent_fail';
    default:
      return null;
  }
}

export function renderEngagelab(event: CallbackEnvelope, sender: SenderFacts | null): Rendering {
  if (event.type !== 'message.status') return { skip: `the engagelab format has no equivalent of ${event.type}` };
  const data = event.data;
  const messageStatus = engagelabStatus(data);
  if (messageStatus === null)
    return { skip: `EngageLab reports no "${str(data['status']) ?? ''}" status (Herald's own step before the provider sent it)` };
  const failure = statusFailureOf(data);
  const at = unixSeconds(data['at']);
  const requestId = str(data['requestId']);
  const from = digitsOf(sender?.displayPhoneNumber);
  const row: Record<string, unknown> = {
    message_id: str(data['messageId']) ?? '',
    ...(requestId === null ? {} : { request_id: requestId }),
    ...(from === '' ? {} : { from: `+${from}` }),
    to: str(data['to']) ?? '',
    server: 'whatsapp',
    channel: 'whatsapp',
    itime: at,
    custom_args: rec(data['customArgs']) ?? {},
    status: {
      message_status: messageStatus,
      status_data: { msg_time: at, channel_message_id: str(data['providerMessageId']) ?? '' },
      error_code: failure?.code ?? 0,
      ...(failure === null ? {} : { error_detail: { message: `${failure.title}: ${failure.details}` } }),
    },
  };
  return { body: JSON.stringify({ total: 1, rows: [row] }) };
}
