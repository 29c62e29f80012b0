// The Web Office's pages: built by `npm run build` into dist/office, beside the server's
// JavaScript, and served by the API process under /office (api/routes/officePages.ts).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/office/',
  plugins: [react()],
  build: {
    outDir: '../dist/office',
    emptyOutDir: true,
    // Never an inline data: URL for a small asset: the CSP allows only files of this origin.
    assetsInlineLimit: 0,
  },
});
