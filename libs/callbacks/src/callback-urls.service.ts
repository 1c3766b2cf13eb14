import { Injectable, Optional } from '@nestjs/common';
import type { LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import {
  FORBIDDEN_ADDRESS_TEXT,
  forbiddenAddressKind,
  guardedLookup,
  HeraldError,
  resolveAddresses,
  urlHost,
} from '@herald/common';
import { CallbacksConfig } from '@herald/config';

/** Longest callback URL accepted. */
export const CALLBACK_URL_MAX = 2_000;

type Resolve = (hostname: string) => Promise<LookupAddress[]>;
const systemResolve: Resolve = (hostname) => resolveAddresses(hostname, { verbatim: true });

const refused = (field: string, message: string, issue: string): HeraldError =>
  new HeraldError('invalid', 'invalid_callback_url', message, [{ field, issue }]);

/**
 * The SSRF guard of callbacks. A callback URL must be http(s), carry no credentials, and neither name nor resolve to
 * a loopback, private (RFC 1918, ULA), link-local, CGNAT, unspecified, multicast or cloud-metadata address, unless
 * CALLBACK_ALLOW_PRIVATE_URLS=true. Checked when an endpoint is created or changed (and, for the other libraries, when
 * a send with a callbackUrl is accepted: `check`), and again at delivery on the address actually connected to
 * (`connectLookup` on the HTTP agent, `checkLiteral` for an IP literal), so a name that resolves elsewhere later
 * (DNS rebinding) is refused at connect time.
 */
@Injectable()
export class CallbackUrls {
  readonly allowPrivate: boolean;
  private resolve: Resolve = systemResolve;

  constructor(@Optional() config?: CallbacksConfig) {
    this.allowPrivate = config?.callbackAllowPrivateUrls ?? false;
  }

  /** Tests: a resolver of their own (e.g. a name that resolves to 10.0.0.1). */
  useResolver(resolve: Resolve): void {
    this.resolve = resolve;
  }

  /** Throws HeraldError 400 `invalid_callback_url` when the URL may not receive callbacks. `field` names it in details. */
  async check(url: string, field = 'url'): Promise<void> {
    const parsed = this.parse(url, field);
    if (this.allowPrivate) return;
    const host = urlHost(parsed);
    if (isIP(host)) {
      const kind = forbiddenAddressKind(host);
      if (kind)
        throw refused(
          field,
          `${field} points at ${FORBIDDEN_ADDRESS_TEXT[kind]} (${host}); callbacks go only to public addresses (CALLBACK_ALLOW_PRIVATE_URLS).`,
          `is ${FORBIDDEN_ADDRESS_TEXT[kind]}`,
        );
      return;
    }
    let addresses: LookupAddress[];
    try {
      addresses = await this.resolve(host);
    } catch {
      throw refused(field, `${field}'s host "${host}" does not resolve.`, 'does not resolve');
    }
    if (addresses.length === 0) throw refused(field, `${field}'s host "${host}" does not resolve.`, 'does not resolve');
    for (const a of addresses) {
      const kind = forbiddenAddressKind(a.address);
      if (kind) {
        throw refused(
          field,
          `${field}'s host "${host}" resolves to ${FORBIDDEN_ADDRESS_TEXT[kind]} (${a.address}); callbacks go only to public addresses (CALLBACK_ALLOW_PRIVATE_URLS).`,
          `resolves to ${FORBIDDEN_ADDRESS_TEXT[kind]}`,
        );
      }
    }
  }

  /** The URL's shape only (http(s), a host, no credentials, length): throws the same 400. */
  parse(url: string, field = 'url'): URL {
    if (typeof url !== 'string' || url.length === 0 || url.length > CALLBACK_URL_MAX) {
      throw refused(
        field,
        `${field} must be an http(s) URL of at most ${CALLBACK_URL_MAX} characters.`,
        'must be an http(s) URL',
      );
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw refused(field, `${field} is not a valid URL.`, 'is not a valid URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw refused(field, `${field} must start with http:// or https://.`, 'must be http or https');
    if (parsed.username !== '' || parsed.password !== '')
      throw refused(field, `${field} must not carry credentials (user:password@).`, 'must not carry credentials');
    if (urlHost(parsed) === '') throw refused(field, `${field} has no host.`, 'has no host');
    return parsed;
  }

  /** At delivery, for a URL whose host is an IP literal (no lookup happens): the refusal, or null. */
  literalRefusal(url: URL): string | null {
    if (this.allowPrivate) return null;
    const host = urlHost(url);
    if (!isIP(host)) return null;
    const kind = forbiddenAddressKind(host);
    return kind ? `refused: ${host} is ${FORBIDDEN_ADDRESS_TEXT[kind]} (CALLBACK_ALLOW_PRIVATE_URLS)` : null;
  }

  /**
   * The `lookup` for the delivery agent's sockets: resolves as usual and drops every non-public address, so the
   * address connected to is one that passed the check; none left → an error naming why.
   */
  connectLookup(): LookupFunction {
    return guardedLookup({
      allowPrivate: this.allowPrivate,
      refusal: (hostname, kind) => {
        const message = `refused: ${hostname} resolves to ${FORBIDDEN_ADDRESS_TEXT[kind]} (CALLBACK_ALLOW_PRIVATE_URLS)`;
        return Object.assign(new Error(message), { code: 'ECALLBACKADDRESS' });
      },
    });
  }
}
