import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * An on-request hook that refuses (403) a form posted from another site: `Sec-Fetch-Site:
 * cross-site`, or an `Origin` that is neither PUBLIC_BASE_URL's nor the request's own host.
 * Pages sent with `Referrer-Policy: no-referrer` make browsers post `Origin: null` even from
 * the same page, so a null origin passes only when Sec-Fetch-Site vouches for it.
 */
export function refuseCrossSite(publicBaseUrl: string) {
  const publicOrigin = new URL(publicBaseUrl).origin;
  return async (request: FastifyRequest, reply: FastifyReply) => {
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
