// Every error a user can meet carries a stable code and a next step, so the CLI can
// print one line ("what is wrong — what to do") instead of a stack trace.

export type ErrorCode =
  | 'NO_SUCH_JOB'
  | 'INVALID_JOB_OPERATION'
  | 'MALFORMED_JOB'
  | 'PICKLE_NOT_SUPPORTED'
  | 'DESERIALIZE_FAILED'
  | 'BAD_URL'
  | 'CLUSTER_UNSUPPORTED'
  | 'UNREACHABLE'
  | 'AUTH_FAILED'
  | 'TLS_FAILED'
  | 'NO_PERMISSION'
  | 'BAD_ARGUMENT'
  | 'BAD_QUEUE_NAME'
  | 'UNKNOWN_FUNCTION'
  | 'NOT_SERIALIZABLE'
  | 'WORKER_EXISTS'
  | 'SUSPENDED'
  | 'LOAD_FAILED';

export class RqtsError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, hint?: string) {
    super(message);
    this.name = 'RqtsError';
    this.code = code;
    this.hint = hint;
  }

  /** The one line the CLI prints. */
  toLine(): string {
    return this.hint ? `${this.message}. ${this.hint}` : this.message;
  }
}

export class NoSuchJobError extends RqtsError {
  constructor(id: string) {
    super(
      'NO_SUCH_JOB',
      `No such job: ${id}`,
      'Check the id (rqts info lists queues; the job may have expired)',
    );
    this.name = 'NoSuchJobError';
  }
}

export class InvalidJobOperation extends RqtsError {
  constructor(message: string, hint?: string) {
    super('INVALID_JOB_OPERATION', message, hint);
    this.name = 'InvalidJobOperation';
  }
}

export class PickleNotSupportedError extends RqtsError {
  constructor(id: string) {
    super(
      'PICKLE_NOT_SUPPORTED',
      `Job ${id} was serialized with pickle: pickle is not supported, use the JSON serializer`,
      'Use the JSON serializer (Python: serializer=JSONSerializer, or rq -S rq.serializers.JSONSerializer)',
    );
    this.name = 'PickleNotSupportedError';
  }
}

export function isRqtsError(error: unknown): error is RqtsError {
  return error instanceof RqtsError;
}
