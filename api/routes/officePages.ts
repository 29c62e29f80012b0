// The Web Office's pages (office/, built by `npm run build` into dist/office) under /office,
// beside its API under /office/api. Every answer carries a strict Content-Security-Policy:
// scripts, styles, fonts, images and requests only from this origin, nothing inline, no
// framing, so an injected string can run nothing and the pages work with no other host.
// Any other path under /office is the one page, which shows what the path names.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import { ROOT } from '../../config/paths.ts';
import { notFound } from '../errors.ts';

/** Where office/vite.config.ts builds to. */
const BUILT_DIR = join(ROOT, 'dist', 'office');

export const OFFICE_CSP = [
  "default-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy': OFFICE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
  });
  next();
};

export function officePageRoutes(): Router {
  const router = Router();
  const index = join(BUILT_DIR, 'index.html');
  router.use('/office', securityHeaders);
  // File names carry their content's hash: a browser may keep them; the page itself it asks again.
  router.use('/office/assets', express.static(join(BUILT_DIR, 'assets'), { immutable: true, maxAge: '365d', index: false }));
  router.get('/office{/*page}', (req, res) => {
    // An unknown asset or API route is not found, not the page.
    if (/^\/office\/(api|assets)\//.test(req.path)) throw notFound(`Route ${req.method} ${req.path}`);
    if (!existsSync(index)) throw notFound('The Web Office is not built: run npm run build');
    res.set('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
