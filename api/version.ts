// Keystone-Version: a request names the API version it is written against, and every answer
// says which version it is, so a client can pin one and read the answer it expects.

import type { RequestHandler } from 'express';
import { API_VERSIONS, CURRENT_API_VERSION, isApiVersion } from '../domain/apiVersion.ts';
import { badRequest } from './errors.ts';

export const VERSION_HEADER = 'Keystone-Version';

/** First on every request: an unknown version is refused; the answer carries the one it is served in. */
export const requestedVersion: RequestHandler = (req, res, next) => {
  const asked = req.get(VERSION_HEADER);
  if (asked !== undefined && !isApiVersion(asked)) {
    res.set(VERSION_HEADER, CURRENT_API_VERSION);
    throw badRequest('unsupported_version', `Keystone-Version ${asked} is not served here; supported: ${API_VERSIONS.join(', ')}`);
  }
  res.set(VERSION_HEADER, asked ?? CURRENT_API_VERSION);
  next();
};

/** After authentication: a request that named no version is served in its environment's pinned one. */
export const pinnedVersion: RequestHandler = (req, res, next) => {
  if (req.get(VERSION_HEADER) === undefined) res.set(VERSION_HEADER, req.auth?.apiVersion ?? CURRENT_API_VERSION);
  next();
};
