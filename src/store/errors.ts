// Errors a user can act on: an unknown id, input the domain refuses, a change that changes nothing.
export type DomainErrorCode = 'not-found' | 'invalid' | 'no-change' | 'forbidden';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
