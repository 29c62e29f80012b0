export { settlementWorkflow } from './settlement';
