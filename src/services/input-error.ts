/** What kind of wrong it is, so an edge can add its own advice ("use topics update"). */
export type InputProblem = 'invalid' | 'not-found' | 'exists' | 'in-use';

/**
 * Input that cannot be used as given (an invalid query, an unknown topic, a bad address). The
 * CLI turns it into exit status 2 and the HTTP API into 400. The message speaks of the thing,
 * never of a CLI option or a form field: `field` names the part of the request that is wrong
 * in the service's own words (`trialEndsAt`, `topic`), and each edge names it its own way.
 */
export class InputError extends Error {
  override name = 'InputError';
  readonly field: string | undefined;
  readonly problem: InputProblem;

  constructor(message: string, details: { field?: string; problem?: InputProblem } = {}) {
    super(message);
    this.field = details.field;
    this.problem = details.problem ?? 'invalid';
  }
}

/** One wrong field of a form-like request, in the service's words. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * Several fields of one request are wrong at once (a preferences form): all of them are
 * reported, so each can be shown beside its field. Nothing of the request was applied.
 */
export class InvalidFields extends InputError {
  override name = 'InvalidFields';
  readonly problems: readonly FieldProblem[];

  constructor(problems: readonly FieldProblem[]) {
    const first = problems[0];
    super(first ? `${first.field}: ${first.message}` : 'invalid input', {
      ...(first ? { field: first.field } : {}),
    });
    this.problems = problems;
  }
}
