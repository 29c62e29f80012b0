// A minimal Lockstep API client: what a platform's integration does, nothing more.

import { LockstepError } from '../domain/errors.ts';

export interface ApiErrorBody {
  code: string;
  detail: unknown;
  long_message: string;
}

export class ApiRequestError extends LockstepError {
  override readonly name = 'ApiRequestError';
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(`HTTP ${status} ${body.code}: ${body.long_message}`);
  }
}

export class LockstepApi {
  private token?: string;

  /** `token`: an access token obtained elsewhere, e.g. a session token. */
  constructor(
    readonly baseUrl: string,
    token?: string,
  ) {
    this.token = token;
  }

  async authenticate(clientId: string, clientSecret: string, audience?: string): Promise<string> {
    const body = await this.request<{ access_token: string }>('POST', '/oauth/token', {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      ...(audience ? { audience } : {}),
    });
    this.token = body.access_token;
    return this.token;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // 204 No Content (a delete) has no body to parse.
    const json = (res.status === 204 ? undefined : await res.json()) as T & ApiErrorBody;
    if (!res.ok) throw new ApiRequestError(res.status, json);
    return json;
  }
}
