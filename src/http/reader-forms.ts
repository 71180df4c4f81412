import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';

/**
 * Lets a scope read the reader pages' forms (`application/x-www-form-urlencoded`, parsed by
 * @fastify/formbody). With `ignoreOthers`, a multipart or plain-text body is accepted and left
 * unread: RFC 8058 one-click requests carry nothing we need beyond the link itself.
 */
export async function acceptForms(
  app: FastifyInstance,
  options: { ignoreOthers?: boolean } = {},
): Promise<void> {
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  if (options.ignoreOthers) {
    app.addContentTypeParser(
      ['multipart/form-data', 'text/plain'],
      { parseAs: 'buffer', bodyLimit: 64 * 1024 },
      (_request, _body, done) => done(null, {}),
    );
  }
}
