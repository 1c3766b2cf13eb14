// The /_sim endpoints of Messenger/Instagram pages and Telegram bots: registration, a user's messages and button
// presses, blocks, and the sends each one accepted.
import type { AdminReply } from '../admin-api.service';
import type { Simulator } from '../simulator.service';
import { parsePageRegistration } from './page-registry.service';
import { parseBotRegistration } from './telegram-bot-registry.service';

type WithBody = (handler: (value: unknown) => AdminReply) => AdminReply;

function reply(status: number, value: unknown): AdminReply {
  return { status, body: JSON.stringify(value) };
}

function problem(status: number, message: string, problems?: string[]): AdminReply {
  return reply(status, { error: problems ? { message, problems } : { message } });
}

function wrong(method: string, path: string, allowed: string[]): AdminReply {
  return problem(405, `${path} does not take ${method}; use ${allowed.join(' or ')}.`);
}

/**
 * `/_sim/pages[/:id[/inbound|block|unblock|messages]]`: PUT registers `{platform, accessToken, appSecret, name?,
 * username?, webhookUrl?, messagesPerSecond?}`; GET reads (with counters); DELETE forgets.
 */
export function pagesAdmin(
  sim: Simulator,
  method: string,
  id: string | undefined,
  sub: string | undefined,
  query: URLSearchParams,
  withBody: WithBody,
): AdminReply {
  const pages = sim.platforms.pages;
  const path = `/_sim/pages${id === undefined ? '' : `/${id}`}${sub === undefined ? '' : `/${sub}`}`;
  if (id === undefined) {
    return method === 'GET'
      ? reply(200, { data: pages.registry.list().map((page) => pages.view(page)) })
      : wrong(method, path, ['GET']);
  }
  switch (sub) {
    case undefined: {
      if (method === 'GET') {
        const page = pages.registry.get(id);
        return page ? reply(200, pages.view(page)) : problem(404, `No page ${id} is registered.`);
      }
      if (method === 'DELETE')
        return pages.registry.delete(id) ? reply(200, { deleted: id }) : problem(404, `No page ${id} is registered.`);
      if (method !== 'PUT') return wrong(method, path, ['GET', 'PUT', 'DELETE']);
      return withBody((value) => {
        const parsed = parsePageRegistration(id, value);
        if (!parsed.ok) return problem(400, 'The page was not registered.', parsed.problems);
        // One Graph path, /{id}/messages, serves both: an id is a page or a WhatsApp number, never both.
        if (sim.registry.get(id)) return problem(409, `${id} is registered as a WhatsApp phone number id.`);
        const outcome = pages.registry.upsert(parsed.value);
        return reply(outcome === 'created' ? 201 : 200, pages.view(parsed.value));
      });
    }
    case 'inbound':
      return method === 'POST' ? withBody((value) => answer(pages.inbound(id, value))) : wrong(method, path, ['POST']);
    case 'block':
    case 'unblock':
      return method === 'POST'
        ? withBody((value) => answer(pages.setBlocked(id, value, sub === 'block')))
        : wrong(method, path, ['POST']);
    case 'messages':
      return method === 'GET' ? answer(pages.messages(id, query)) : wrong(method, path, ['GET']);
    default:
      return problem(404, `No such simulator endpoint: ${path}`);
  }
}

/**
 * `/_sim/telegram-bots[/:botId[/updates|block|unblock|messages]]`: PUT registers `{token, username, firstName?}`;
 * GET reads (webhook, callback queries, counters); DELETE forgets.
 */
export function telegramBotsAdmin(
  sim: Simulator,
  method: string,
  id: string | undefined,
  sub: string | undefined,
  query: URLSearchParams,
  withBody: WithBody,
): AdminReply {
  const telegram = sim.platforms.telegram;
  const path = `/_sim/telegram-bots${id === undefined ? '' : `/${id}`}${sub === undefined ? '' : `/${sub}`}`;
  if (id === undefined) {
    return method === 'GET'
      ? reply(200, { data: telegram.registry.list().map((bot) => telegram.view(bot)) })
      : wrong(method, path, ['GET']);
  }
  switch (sub) {
    case undefined: {
      if (method === 'GET') {
        const bot = telegram.registry.get(id);
        return bot ? reply(200, telegram.view(bot)) : problem(404, `No Telegram bot ${id} is registered.`);
      }
      if (method === 'DELETE')
        return telegram.registry.delete(id) ? reply(200, { deleted: id }) : problem(404, `No Telegram bot ${id} is registered.`);
      if (method !== 'PUT') return wrong(method, path, ['GET', 'PUT', 'DELETE']);
      return withBody((value) => {
        const parsed = parseBotRegistration(id, value);
        if (!parsed.ok) return problem(400, 'The bot was not registered.', parsed.problems);
        const outcome = telegram.registry.upsert(parsed.value);
        return reply(outcome === 'created' ? 201 : 200, telegram.view(parsed.value));
      });
    }
    case 'updates':
      return method === 'POST' ? withBody((value) => answer(telegram.userUpdate(id, value))) : wrong(method, path, ['POST']);
    case 'block':
    case 'unblock':
      return method === 'POST'
        ? withBody((value) => answer(telegram.setBlocked(id, value, sub === 'block')))
        : wrong(method, path, ['POST']);
    case 'messages':
      return method === 'GET' ? answer(telegram.messages(id, query)) : wrong(method, path, ['GET']);
    default:
      return problem(404, `No such simulator endpoint: ${path}`);
  }
}

function answer(result: { status: number; value: unknown }): AdminReply {
  return reply(result.status, result.value);
}
