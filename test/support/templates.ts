import type { TemplateConfig } from '../../domain/template.ts';

/** A template no built-in resembles: screening after funding, no finality wait, its own names. */
export const CUSTOM: TemplateConfig = {
  states: ['NEW', 'ESCROW_OPEN', 'FUNDING', 'SCREENING', 'SWAPPING', 'DONE', 'CANCELLED'],
  initial_state: 'NEW',
  terminal_states: ['DONE', 'CANCELLED'],
  failure_states: ['CANCELLED'],
  transitions: {
    NEW: { allowed_next: ['ESCROW_OPEN', 'CANCELLED'] },
    ESCROW_OPEN: { allowed_next: ['FUNDING', 'CANCELLED'] },
    FUNDING: { allowed_next: ['SCREENING', 'CANCELLED'] },
    SCREENING: { allowed_next: ['SWAPPING', 'CANCELLED'] },
    SWAPPING: { allowed_next: ['DONE', 'CANCELLED'] },
  },
  actions: {
    ESCROW_OPEN: { type: 'escrow_register' },
    FUNDING: { type: 'await_deposits' },
    SCREENING: { type: 'compliance_check' },
    SWAPPING: { type: 'execute_swap' },
  },
  required_roles: ['buyer', 'seller'],
  required_leg_types: ['asset', 'payment'],
};
