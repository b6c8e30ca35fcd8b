/**
 * Errors thrown by the SDK. Every one derives from `APIError`.
 *
 * Messages are built from the status line and the response body only: request headers (and
 * so the API token) never appear in them.
 */

/** Base class of every error the SDK throws about a request. */
export class APIError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The server could not be reached, or the connection failed mid-request. */
export class APIConnectionError extends APIError {
  constructor(message = "Connection error.", options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The request did not complete within the timeout. */
export class APITimeoutError extends APIConnectionError {
  constructor(options?: { cause?: unknown }) {
    super("Request timed out.", options);
  }
}

/** What the SDK knows about a response it could not use. */
export interface ResponseDetails {
  status: number;
  headers: Headers;
  body: unknown;
}

/** A successful response whose body is not the JSON the operation returns. */
export class APIResponseValidationError extends APIError {
  readonly status: number;
  readonly headers: Headers;
  /** The body: parsed JSON, or the text when it is not JSON. */
  readonly body: unknown;

  constructor(message: string, details: ResponseDetails) {
    super(message);
    this.status = details.status;
    this.headers = details.headers;
    this.body = details.body;
  }
}

/** The server answered with a status that is not 2xx (redirects included: none is followed). */
export class APIStatusError extends APIError {
  readonly status: number;
  readonly headers: Headers;
  /** The body: parsed JSON, or the text when it is not JSON. */
  readonly body: unknown;

  constructor(message: string, details: ResponseDetails) {
    super(message);
    this.status = details.status;
    this.headers = details.headers;
    this.body = details.body;
  }
}

/** HTTP 400. */
export class BadRequestError extends APIStatusError {}

/** HTTP 401: the token is missing, invalid or expired. */
export class AuthenticationError extends APIStatusError {}

/** HTTP 403. */
export class PermissionDeniedError extends APIStatusError {}

/** HTTP 404. */
export class NotFoundError extends APIStatusError {}

/** HTTP 409. */
export class ConflictError extends APIStatusError {}

/**
 * HTTP 422: the request failed validation.
 *
 * `errors` maps each rejected field to its messages, taken from a Laravel-style body
 * `{"message": ..., "errors": {"field": ["..."]}}`; it is empty for any other body.
 */
export class UnprocessableEntityError extends APIStatusError {
  readonly errors: Record<string, string[]>;

  constructor(message: string, details: ResponseDetails) {
    super(message, details);
    this.errors = fieldErrors(details.body);
  }
}

/** HTTP 429. */
export class RateLimitError extends APIStatusError {}

/** HTTP 500 or above. */
export class InternalServerError extends APIStatusError {}

const ERRORS_BY_STATUS: Record<number, typeof APIStatusError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  408: "Request Timeout",
  409: "Conflict",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** The error matching the status of a non-2xx response, its body already parsed. */
export function makeStatusError(
  status: number,
  statusText: string,
  details: ResponseDetails,
): APIStatusError {
  const fallback = status >= 500 ? InternalServerError : APIStatusError;
  const ErrorClass = ERRORS_BY_STATUS[status] ?? fallback;
  return new ErrorClass(statusMessage(status, statusText, details.body), details);
}

/** `"<status> <reason>: <body message>"`, without the message part when there is none. */
function statusMessage(status: number, statusText: string, body: unknown): string {
  const reason = statusText || REASONS[status] || (status === 0 ? "redirect not followed" : "");
  const summary = `${status} ${reason}`.trimEnd();
  const detail = isRecord(body) ? body["message"] : undefined;
  return typeof detail === "string" && detail ? `${summary}: ${detail}` : summary;
}

/** The `errors` map of a Laravel validation body, tolerating odd shapes. */
function fieldErrors(body: unknown): Record<string, string[]> {
  const errors = isRecord(body) ? body["errors"] : undefined;
  if (!isRecord(errors)) {
    return {};
  }
  return Object.fromEntries(
    Object.entries(errors).map(([field, messages]) => [
      field,
      Array.isArray(messages) ? messages.map(String) : [String(messages)],
    ]),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
