/**
 * The HTTP engine behind the generated client: URLs, headers and bodies, retries with
 * backoff and `Retry-After`, timeouts, typed errors and pages. It needs nothing but the
 * global `fetch` (Node 18 or newer, browsers).
 *
 * Safety rules kept throughout: redirects are never followed (`redirect: "manual"`), the
 * auth headers only ever go to the origin of `baseUrl`, and they never appear in an error
 * or in the printed client.
 */

import {
  APIConnectionError,
  APIError,
  APIResponseValidationError,
  APITimeoutError,
  makeStatusError,
} from "./errors.js";

export const RUNTIME_VERSION = "0.1.0";
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RETRIES = 2;

/** Statuses worth retrying, besides every status from 500 up. */
const RETRYABLE_STATUSES = new Set([408, 409, 429]);
/** Longest `Retry-After` honoured; longer ones fall back to the backoff. */
const MAX_RETRY_AFTER_MS = 60_000;
const INITIAL_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8_000;

/** The `fetch` the client sends requests with (the global one unless another is given). */
export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** Options of one call; every method takes them last. */
export interface RequestOptions {
  /** More headers for this call; they win over every other header. */
  headers?: Record<string, string> | undefined;
  /** Milliseconds before one attempt gives up (default: the client's `timeoutMs`). */
  timeoutMs?: number | undefined;
  /** Cancels the call, retries included; the call then rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** How many times this call is retried (default: the client's `maxRetries`). */
  maxRetries?: number | undefined;
}

/** How the generated client configures the engine. */
export interface ClientConfig {
  baseUrl: string;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
  /** Sent with every request; `undefined` and `null` values are left out. */
  defaultHeaders?: Record<string, unknown> | undefined;
  authHeaders?: Record<string, string> | undefined;
  authQuery?: Record<string, string> | undefined;
  fetch?: Fetch | undefined;
}

/** What a response body is decoded as. */
export type ResponseKind = "json" | "text" | "binary" | "none";

/** How a request body is encoded. */
export type BodyEncoding = "json" | "form" | "multipart" | "binary" | "text";

/** One operation call, as the generated methods describe it. */
export interface Endpoint {
  method: string;
  /** The path template, e.g. `/items/{id}`. */
  path: string;
  /** Values for the path template, each encoded as one path segment. */
  pathParams?: Record<string, unknown>;
  /** Query parameters; `undefined` and `null` are left out, arrays repeat the key. */
  query?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  /** The request body; `undefined`: none. */
  body?: unknown;
  bodyEncoding?: BodyEncoding;
  /** The body's media type, for JSON, text and binary bodies. */
  contentType?: string;
  /** Default `"json"`. */
  response?: ResponseKind;
}

/** One fully prepared request: what is sent, and sent again on each retry. */
export interface PreparedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: BodyInit | undefined;
  timeoutMs: number;
  maxRetries: number;
  signal: AbortSignal | undefined;
}

/** A response read to its end. */
export interface RawResponse {
  status: number;
  statusText: string;
  headers: Headers;
  data: ArrayBuffer;
}

/** Where a paginated body keeps its items and the URL of the next page. */
export interface PageSpec {
  items: readonly string[];
  next: readonly string[];
}

/** Sends requests; the generated client extends it. */
export class APIClient {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly #defaultHeaders: Record<string, unknown>;
  readonly #authHeaders: Record<string, string>;
  readonly #authQuery: Record<string, string>;
  readonly #fetch: Fetch | undefined;

  constructor(config: ClientConfig) {
    let url: URL | undefined;
    try {
      url = new URL(config.baseUrl);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
      throw new TypeError(
        `baseUrl must be an absolute http(s) URL, got ${JSON.stringify(config.baseUrl)}`,
      );
    }
    this.baseUrl = config.baseUrl.replace(/\/+$/, "");
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxRetries = config.maxRetries ?? DEFAULT_MAX_RETRIES;
    checkCount("timeoutMs", this.timeoutMs);
    checkCount("maxRetries", this.maxRetries);
    this.#defaultHeaders = { ...config.defaultHeaders };
    this.#authHeaders = { ...config.authHeaders };
    this.#authQuery = { ...config.authQuery };
    this.#fetch = config.fetch;
  }

  /** Send a request and return its decoded body; reject with an `APIError` on failure. */
  async request<T>(endpoint: Endpoint, options?: RequestOptions): Promise<T> {
    const response = await this.send(this.prepare(endpoint, options));
    return decode(response, endpoint.response ?? "json") as T;
  }

  /** Fetch the first page of a list; the page fetches the following ones itself. */
  async requestPage<Item, Body>(
    endpoint: Endpoint,
    spec: PageSpec,
    options?: RequestOptions,
  ): Promise<Page<Item, Body>> {
    return this.fetchPage<Item, Body>(this.prepare(endpoint, options), spec);
  }

  /** @internal */
  async fetchPage<Item, Body>(request: PreparedRequest, spec: PageSpec): Promise<Page<Item, Body>> {
    return new Page<Item, Body>(this, request, spec, await this.send(request));
  }

  /** Turn an endpoint and call options into a request ready to send. */
  prepare(endpoint: Endpoint, options: RequestOptions = {}): PreparedRequest {
    const url = new URL(this.baseUrl + buildPath(endpoint.path, endpoint.pathParams ?? {}));
    appendQuery(url, endpoint.query ?? {});
    appendQuery(url, this.#authQuery);
    const { body, contentType } = encodeBody(endpoint);
    const headers = new Headers({ Accept: "application/json" });
    if (contentType !== undefined) {
      headers.set("Content-Type", contentType);
    }
    const layers = [this.#defaultHeaders, this.#authHeaders, endpoint.headers, options.headers];
    for (const layer of layers) {
      setHeaders(headers, layer ?? {});
    }
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const maxRetries = options.maxRetries ?? this.maxRetries;
    checkCount("timeoutMs", timeoutMs);
    checkCount("maxRetries", maxRetries);
    return {
      method: endpoint.method.toUpperCase(),
      url,
      headers,
      body,
      timeoutMs,
      maxRetries,
      signal: options.signal,
    };
  }

  /** Send, retrying while it helps; resolve with a 2xx response or reject. */
  async send(request: PreparedRequest): Promise<RawResponse> {
    for (let attempt = 0; ; attempt += 1) {
      let response: RawResponse | undefined;
      let failure: APIConnectionError | undefined;
      try {
        response = await this.#attempt(request);
      } catch (error) {
        if (!(error instanceof APIConnectionError)) {
          throw error;
        }
        failure = error;
      }
      if (response !== undefined && isSuccess(response.status)) {
        return response;
      }
      const delay = attempt < request.maxRetries ? retryDelay(attempt, response) : undefined;
      if (delay === undefined) {
        throw failure ?? statusError(response as RawResponse);
      }
      await sleep(delay, request.signal);
    }
  }

  /** The request for a next-page link: same query (the link's own values win), same headers. */
  requestForLink(request: PreparedRequest, link: string): PreparedRequest {
    const target = new URL(link, request.url);
    if (target.origin !== new URL(this.baseUrl).origin) {
      throw new APIError("refusing to follow a next-page link to another host");
    }
    const url = new URL(target.pathname, target.origin);
    const overridden = new Set(target.searchParams.keys());
    for (const [key, value] of request.url.searchParams) {
      if (!overridden.has(key)) {
        url.searchParams.append(key, value);
      }
    }
    for (const [key, value] of target.searchParams) {
      url.searchParams.append(key, value);
    }
    const headers = new Headers(request.headers);
    headers.delete("Content-Type");
    return { ...request, method: "GET", url, headers, body: undefined };
  }

  /** One try: the response read to its end within the timeout. */
  async #attempt(request: PreparedRequest): Promise<RawResponse> {
    const { signal } = request;
    if (signal?.aborted) {
      throw signal.reason;
    }
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, request.timeoutMs);
    const cancel = (): void => controller.abort(signal?.reason);
    signal?.addEventListener("abort", cancel, { once: true });
    try {
      const fetchImpl = this.#fetch ?? globalThis.fetch;
      const response = await fetchImpl(request.url.href, {
        method: request.method,
        headers: request.headers,
        body: request.body ?? null,
        redirect: "manual",
        signal: controller.signal,
      });
      const data = await response.arrayBuffer();
      return {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
        data,
      };
    } catch (error) {
      if (signal?.aborted) {
        throw signal.reason;
      }
      if (timedOut) {
        throw new APITimeoutError();
      }
      throw new APIConnectionError(connectionMessage(error), { cause: error });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", cancel);
    }
  }
}

/**
 * One page of a list. `items` are this page's items and `body` the whole response body;
 * `for await (const item of page)` yields the items of this page and of every following one.
 */
export class Page<Item, Body = unknown> implements AsyncIterable<Item> {
  readonly items: Item[];
  readonly body: Body;
  readonly status: number;
  readonly headers: Headers;
  /** The URL of the next page; `null` on the last page. */
  readonly nextUrl: string | null;
  readonly #client: APIClient;
  readonly #request: PreparedRequest;
  readonly #spec: PageSpec;

  constructor(client: APIClient, request: PreparedRequest, spec: PageSpec, response: RawResponse) {
    const data = decode(response, "json");
    const items = dig(data, spec.items);
    if (!Array.isArray(items)) {
      throw new APIResponseValidationError(
        `Response body has no list of items at \`${spec.items.join("/")}\`.`,
        {
          status: response.status,
          headers: response.headers,
          body: data,
        },
      );
    }
    const next = dig(data, spec.next);
    this.items = items as Item[];
    this.body = data as Body;
    this.status = response.status;
    this.headers = response.headers;
    this.nextUrl = typeof next === "string" && next !== "" ? next : null;
    this.#client = client;
    this.#request = request;
    this.#spec = spec;
  }

  hasNextPage(): boolean {
    return this.nextUrl !== null;
  }

  /** Fetch the page after this one; rejects with an `APIError` on the last page. */
  async getNextPage(): Promise<Page<Item, Body>> {
    if (this.nextUrl === null) {
      throw new APIError("There is no next page; check `hasNextPage()` first.");
    }
    const request = this.#client.requestForLink(this.#request, this.nextUrl);
    return this.#client.fetchPage<Item, Body>(request, this.#spec);
  }

  /** This page, then each following page. */
  async *iterPages(): AsyncGenerator<Page<Item, Body>, void, undefined> {
    let page: Page<Item, Body> = this;
    yield page;
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      yield page;
    }
  }

  /** The items of this page and of every following page. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Item, void, undefined> {
    for await (const page of this.iterPages()) {
      yield* page.items;
    }
  }
}

// Encoding requests

/**
 * Fill each `{name}` of `template` that names a path parameter with its value, encoded with
 * `encodeURIComponent`; other braces are literal text of the path. A backslash, `?` or `#` in the
 * template is encoded too, so that the URL keeps the path the spec wrote.
 */
export function buildPath(template: string, params: Record<string, unknown>): string {
  const filled = template.replace(/\{([^{}]+)\}/g, (match: string, name: string) => {
    if (!Object.hasOwn(params, name)) {
      return match;
    }
    const value = params[name];
    const text = value === undefined || value === null ? "" : toText(value);
    if (text === "") {
      throw new TypeError(`Expected a non-empty value for \`${name}\``);
    }
    if (text === "." || text === "..") {
      throw new TypeError(`\`${name}\` cannot be "${text}": it would change the path`);
    }
    return encodeURIComponent(text);
  });
  return filled.replace(/[\\?#]/g, (char) => encodeURIComponent(char));
}

function appendQuery(url: URL, query: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(query)) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (item !== undefined && item !== null) {
        url.searchParams.append(key, toText(item));
      }
    }
  }
}

/** Set headers from `values`, leaving out `undefined` and `null`. */
function setHeaders(headers: Headers, values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || value === null) {
      continue;
    }
    try {
      headers.set(name, toText(value));
    } catch {
      // The platform's message would quote the value, which may be a token.
      throw new TypeError(`Invalid value for the ${JSON.stringify(name)} header`);
    }
  }
}

function encodeBody(endpoint: Endpoint): {
  body: BodyInit | undefined;
  contentType: string | undefined;
} {
  const { body } = endpoint;
  if (body === undefined) {
    return { body: undefined, contentType: undefined };
  }
  switch (endpoint.bodyEncoding ?? "json") {
    case "json":
      return {
        body: JSON.stringify(body),
        contentType: endpoint.contentType ?? "application/json",
      };
    case "text":
      return { body: String(body), contentType: endpoint.contentType ?? "text/plain" };
    case "binary":
      return {
        body: body as BodyInit,
        contentType: endpoint.contentType ?? "application/octet-stream",
      };
    case "form":
      return { body: formFields(body), contentType: undefined };
    case "multipart":
      return { body: multipartFields(body), contentType: undefined };
  }
}

function formFields(body: unknown): URLSearchParams {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (item !== undefined && item !== null) {
        form.append(key, toText(item));
      }
    }
  }
  return form;
}

function multipartFields(body: unknown): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (item instanceof Blob) {
        form.append(key, item);
      } else if (item !== undefined && item !== null) {
        form.append(key, typeof item === "object" ? JSON.stringify(item) : toText(item));
      }
    }
  }
  return form;
}

/** The text of a path, query or header value. */
function toText(value: unknown): string {
  if (value instanceof Date) {
    return value.toISOString();
  }
  return String(value);
}

// Decoding responses

function decode(response: RawResponse, kind: ResponseKind): unknown {
  switch (kind) {
    case "none":
      return undefined;
    case "binary":
      return new Blob([response.data], { type: response.headers.get("Content-Type") ?? "" });
    case "text":
      return new TextDecoder().decode(response.data);
    case "json": {
      const text = new TextDecoder().decode(response.data);
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new APIResponseValidationError("Response body is not valid JSON.", {
          status: response.status,
          headers: response.headers,
          body: text,
        });
      }
    }
  }
}

function statusError(response: RawResponse): APIError {
  const text = new TextDecoder().decode(response.data);
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // not JSON: keep the text
  }
  return makeStatusError(response.status, response.statusText, {
    status: response.status,
    headers: response.headers,
    body,
  });
}

/** The JSON value at `path`, or `undefined` when any step is missing. */
function dig(data: unknown, path: readonly string[]): unknown {
  let value = data;
  for (const key of path) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, key)) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

// Retries

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** Milliseconds to wait before retrying, or `undefined` when the outcome is final. */
function retryDelay(attempt: number, response: RawResponse | undefined): number | undefined {
  if (response === undefined) {
    return backoffDelay(attempt); // a timeout or a failed connection
  }
  if (!RETRYABLE_STATUSES.has(response.status) && response.status < 500) {
    return undefined;
  }
  return parseRetryAfter(response.headers.get("Retry-After")) ?? backoffDelay(attempt);
}

/** Milliseconds asked for by `Retry-After` (seconds or an HTTP date), if within 0-60 s. */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value === null) {
    return undefined;
  }
  const text = value.trim();
  let delay: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    delay = Number(text) * 1000;
  } else {
    const moment = Date.parse(text);
    if (Number.isNaN(moment)) {
      return undefined;
    }
    delay = moment - now;
  }
  return delay >= 0 && delay <= MAX_RETRY_AFTER_MS ? delay : undefined;
}

/** Exponential backoff from 0.5 s, capped at 8 s, minus up to 25% of jitter. */
export function backoffDelay(attempt: number): number {
  const delay = Math.min(INITIAL_BACKOFF_MS * 2 ** attempt, MAX_BACKOFF_MS);
  return delay * (0.75 + Math.random() * 0.25);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const cancel = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", cancel);
      resolve();
    }, ms);
    signal?.addEventListener("abort", cancel, { once: true });
  });
}

/** `Connection error.`, with the system's error code when there is one (never a header). */
function connectionMessage(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  const code =
    typeof cause === "object" && cause !== null ? (cause as { code?: unknown }).code : undefined;
  return typeof code === "string" ? `Connection error (${code}).` : "Connection error.";
}

function checkCount(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a number, 0 or more, got ${value}`);
  }
}

// Configuration

/** An environment variable, where there is one (Node, Deno, Bun); `undefined` in browsers. */
export function readEnv(name: string): string | undefined {
  const value = (globalThis as WithEnvironment).process?.env?.[name];
  return value === undefined || value === "" ? undefined : value;
}

type WithEnvironment = { process?: { env?: Record<string, string | undefined> } };

/** The `Authorization` value for HTTP basic auth (UTF-8). */
export function basicAuthorization(username: string, password: string): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = "";
  for (const byte of bytes) {
    binary += String.fromCharCode(byte);
  }
  return `Basic ${btoa(binary)}`;
}
