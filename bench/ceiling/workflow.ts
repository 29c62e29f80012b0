// The bare ceiling's workflow (npm run bench -- --ceiling): a settlement's shape on Temporal
// without its work. The timeout timer runs beside it, as timeout_at's does; thirteen no-op
// activities, as many as a happy-path dvp-standard settlement ran when the performance issue
// set this reference (workflows/histories/dvp-standard-finalized.json; it now runs five, its
// eight transitions being local activities), the first seven before the deposits, which
// arrive as one signal per leg. Whatever the bench measures above this is Lockstep's own cost.

import { condition, defineSignal, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

export const ACTIVITIES = 13;
const BEFORE_DEPOSITS = 7;

const { step } = proxyActivities<{ step(index: number): Promise<void> }>({ startToCloseTimeout: '1 minute' });

export const deposited = defineSignal<[number]>('deposited');

export async function bareSettlement(legs: number): Promise<void> {
  const seen = new Set<number>();
  setHandler(deposited, (leg) => void seen.add(leg));
  void sleep('1 hour');
  for (let i = 0; i < BEFORE_DEPOSITS; i++) await step(i);
  await condition(() => seen.size === legs);
  for (let i = BEFORE_DEPOSITS; i < ACTIVITIES; i++) await step(i);
}
