// What the pages read from the API: the fields of its answers they show (api/responses.ts
// and api/settlements/present.ts have the whole shapes).

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface OfficeUser {
  id: string;
  email: string;
  name: string;
  role: 'viewer' | 'manager' | 'administrator';
  scopes: string[];
  environment: string;
  active: boolean;
  totp_enabled: boolean;
  created_at: string;
  deactivated_at: string | null;
}

export interface Session {
  user: OfficeUser;
  csrf_token: string;
}

export interface PreparedCall {
  step: string;
  chain_id: number;
  from: string;
  to: string;
  data: string;
  value: string;
}

export interface Party {
  id: string;
  role: string;
  name: string | null;
  external_reference: string | null;
  wallet_address: string | null;
  wallet_address_hint: string | null;
  status: string;
}

export interface Leg {
  id: string;
  leg_type: string;
  instrument_id: string;
  quantity: string;
  from_role: string;
  to_role: string;
  token_address: string;
  status: string;
  deposit: { status: string; tx_hash: string | null; deposited_at: string | null; instructions: PreparedCall[] | null };
}

export interface Settlement {
  id: string;
  state: string;
  settlement_type: string;
  external_reference: string | null;
  template_id: string;
  template_version: number;
  timeout_at: string;
  failure_reason: string | null;
  parties: Party[];
  legs: Leg[];
  escrow: { chain_id: number; contract_address: string; escrow_id: string };
  workflow: { id: string; ui_url: string };
  created_at: string;
}

export interface SettlementEvent {
  id: string;
  sequence: number;
  from_state: string | null;
  to_state: string;
  triggered_by: string;
  payload: unknown;
  created_at: string;
}

export interface TrailVerdict {
  valid: boolean;
  events: number;
  first_broken: { sequence: number; reason: string } | null;
}

export interface TemplateConfig {
  states: string[];
  terminal_states: string[];
  failure_states: string[];
  actions: Record<string, { type: string }>;
}

export interface Template {
  id: string;
  slug: string;
  name: string;
  config: TemplateConfig;
}

export interface ScreeningMatch {
  party_role: string;
  layer: 'name' | 'wallet';
  quality: 'strong' | 'weak';
  exact: boolean;
  list: string;
  entry_id: string;
  entry_name: string;
  matched: string;
  score: number;
  reason: string;
}

export interface ComplianceReview {
  settlement: Settlement;
  flagged_at: string;
  screening: { outcome: string; thresholds: { review: number; fail: number }; matches: ScreeningMatch[] };
}

export interface Suppression {
  id: string;
  settlement_id: string | null;
  party_role: string | null;
  list: string;
  entry_id: string;
  entry_name: string;
  status: 'active' | 'revoked';
  reason: string;
  created_by: string;
  created_at: string;
  history: { action: string; actor: string; reason: string; at: string }[];
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  events: string[];
  is_active: boolean;
  status: 'active' | 'paused' | 'failing';
  consecutive_failures: number;
  previous_secret_valid_until: string | null;
  created_at: string;
}

export interface WebhookDelivery {
  id: string;
  event_id: string;
  event: string;
  success: boolean;
  response_status: number | null;
  duration_ms: number | null;
  error: string | null;
  settlement_id: string | null;
  status: 'pending' | 'delivered' | 'failed';
  attempt_count: number;
  next_attempt_at: string | null;
  created_at: string;
}

export interface WebhookTestResult {
  delivery_id: string;
  success: boolean;
  status_code: number | null;
  duration_ms: number | null;
  error: string | null;
}

export interface ApiClient {
  client_id: string;
  name: string;
  scopes: string[];
  active: boolean;
  refresh_policy: 'issettled' | null;
  ip_ranges: string[];
  endpoints: string[];
  wallets: string[];
  created_at: string;
}

export interface Instruction {
  id: string;
  trade_reference: string;
  status: 'pending_match' | 'matched' | 'expired' | 'cancelled';
  settlement_id: string | null;
  template_slug: string;
  role: string;
  party: { external_reference: string; name: string | null; wallet_address: string };
  legs: { leg_type: string; instrument_id: string; quantity: string; direction: 'deliver' | 'receive' }[];
  timeout_at: string;
  expires_at: string;
  created_at: string;
  mismatches: { field: string; ours: string | null; theirs: string | null; reason: string }[];
}
