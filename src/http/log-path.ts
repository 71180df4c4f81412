import { createHash } from 'node:crypto';

/** Personal links: the token in the path is the reader's credential. */
const PERSONAL_LINK = /^\/([upt])\/([^/]+)$/;

/**
 * A request path fit for the log: a personal link's token never appears, only its route and a
 * short hash of the token, which matches the same link across log lines without revealing it.
 */
export function describePathForLog(pathname: string): { path: string; token?: string } {
  const personal = PERSONAL_LINK.exec(pathname);
  if (!personal) return { path: pathname };
  const token = createHash('sha256')
    .update(personal[2] ?? '')
    .digest('base64url')
    .slice(0, 12);
  return { path: `/${personal[1]}/:token`, token };
}
