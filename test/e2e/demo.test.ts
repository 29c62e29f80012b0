import { describe, expect, it } from 'vitest';
import { runDemo } from '../../cli/demo.ts';
import { manifestPath } from '../../stack/manifest.ts';
import { stackContext, withServices } from '../support/services.ts';

const { dataDir } = stackContext();
withServices(); // the API the demo talks to

/** What the demo printed. */
async function demo(bilateral: boolean): Promise<string> {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await runDemo(manifestPath(dataDir), bilateral);
  } finally {
    process.stdout.write = write;
  }
  return lines.join('');
}

describe('the demo command', () => {
  it("runs the KeyStone guide's three steps to FINALIZED using only the API and JSON-RPC", async () => {
    const out = await demo(false);
    expect(out).toMatch(/Temporal UI: http:\/\/localhost:\d+\/namespaces\/default\/workflows\/settlement-/);
    for (const state of ['AWAITING_DEPOSITS', 'FINALIZED']) expect(out).toContain(state);
    expect(out).toMatch(/seller deposits leg 0 \(approve \+ deposit\)/);
  });

  it('--bilateral: seller and buyer submit their own instructions, which match into a settlement that finalizes', async () => {
    const out = await demo(true);
    expect(out).toMatch(/seller: pending_match, trade reference KS-[0-9a-f-]{36}/);
    expect(out).toContain('buyer: matched');
    for (const state of ['AWAITING_DEPOSITS', 'FINALIZED']) expect(out).toContain(state);
  });
});
