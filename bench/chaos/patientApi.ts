// The API as a platform's integration meets it during the chaos run: it may be down (killed,
// restarting) or answer 5xx while PostgreSQL is. A request is retried until it gets an answer
// that is the API's own decision (2xx or 4xx other than 429), or the deadline passes.

import { ApiRequestError, type LockstepApi } from '../../cli/apiClient.ts';

const RETRY_MS = 250;

function isTransient(err: unknown): boolean {
  if (err instanceof ApiRequestError) return err.status >= 500 || err.status === 429;
  return true; // connection refused or reset, or a body that is not the API's JSON
}

export class PatientApi {
  /** Transient failures met, for the run's counts. */
  retries = 0;

  constructor(
    private readonly api: LockstepApi,
    private readonly patienceMs = 5 * 60_000,
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const deadline = Date.now() + this.patienceMs;
    for (;;) {
      try {
        return await this.api.request<T>(method, path, body);
      } catch (err) {
        if (!isTransient(err) || Date.now() > deadline) throw err;
        this.retries += 1;
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }
}
