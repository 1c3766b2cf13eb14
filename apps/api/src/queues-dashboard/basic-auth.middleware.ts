import type { NextFunction, Request, Response } from 'express';
import { secretsEqual } from '../http/secret-compare.util';

/** HTTP basic auth in front of Bull Board; 401 with a challenge when the credentials are missing or wrong. */
export function basicAuth(user: string, password: string) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const header = request.headers.authorization ?? '';
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (match) {
      const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0 && secretsEqual(decoded.slice(0, colon), user) && secretsEqual(decoded.slice(colon + 1), password)) {
        next();
        return;
      }
    }
    response
      .status(401)
      .setHeader('WWW-Authenticate', 'Basic realm="Herald queues", charset="UTF-8"')
      .json({ error: { code: 'unauthorized', message: 'The queue dashboard needs the Bull Board user and password.', details: [] } });
  };
}
