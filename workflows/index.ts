export { settlementWorkflow } from './settlement';
export { forceRollbackWorkflow } from './forceRollback';
