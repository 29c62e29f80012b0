// An ad-hoc screening of one party for the admin tools. It runs as a workflow so that the
// API need not hold the lists in memory: the worker's live index answers, the same one
// settlements are screened with.

import type { ScreenedParty, ScreeningResult } from '../compliance/screening.ts';
import { screenParty } from './activities.ts';

export interface PartyScreeningInput {
  platformId: string;
  environment: string;
  party: ScreenedParty;
}

export async function partyScreeningWorkflow(input: PartyScreeningInput): Promise<ScreeningResult> {
  return screenParty(input);
}
