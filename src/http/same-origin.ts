import type { FastifyReply, FastifyRequest } from 'fastify';

export interface CrossSiteOptions {
  /**
   * Requests let through from anywhere (read after the body is parsed when the hook is a
   * pre-handler): RFC 8058's one-click unsubscribe, which mail providers post from their
   * own servers or pages.
   */
  allow?: (request: FastifyRequest) => boolean;
}

/**
 * A hook that refuses (403) a form posted from another site: `Sec-Fetch-Site: cross-site`, or
 * an `Origin` that is neither PUBLIC_BASE_URL's nor the request's own host. Pages sent with
 * `Referrer-Policy: no-referrer` make browsers post `Origin: null` even from the same page, so
 * a null origin passes only when Sec-Fetch-Site vouches for it. A request with neither header
 * (a script, a mail provider's server) passes: there is no browser to trick.
 */
export function refuseCrossSite(publicBaseUrl: string, { allow }: CrossSiteOptions = {}) {
  const publicOrigin = new URL(publicBaseUrl).origin;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (allow?.(request)) return;
    const site = request.headers['sec-fetch-site'];
    const origin = request.headers.origin;
    const ownOrigin = `${request.protocol}://${request.host}`;
    const crossSite =
      site === 'cross-site' ||
      (origin !== undefined &&
        origin !== 'null' &&
        origin !== publicOrigin &&
        origin !== ownOrigin) ||
      (origin === 'null' && site !== 'same-origin' && site !== 'none');
    if (crossSite) {
      return reply.code(403).send({ error: 'this form can only be sent from its own page' });
    }
  };
}
