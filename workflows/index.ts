export { settlementWorkflow } from './settlement';
export { forceRollbackWorkflow } from './forceRollback';
export { partyScreeningWorkflow } from './partyScreening';
