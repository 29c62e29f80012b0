export { settlementWorkflow } from './settlement.ts';
export { forceRollbackWorkflow } from './forceRollback.ts';
export { partyScreeningWorkflow } from './partyScreening.ts';
