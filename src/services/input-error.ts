/**
 * Input that cannot be used as given (an invalid query, an unknown topic, a bad address). The
 * CLI turns it into exit status 2 and the HTTP API into 400, with this message.
 */
export class InputError extends Error {
  override name = 'InputError';
}
