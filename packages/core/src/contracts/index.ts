import type { Contract } from './contract.js';
import { authContracts, systemContracts } from './auth.js';
import {
  appsContracts,
  auditContracts,
  byokContracts,
  keysContracts,
  myKeysContracts,
  orgsContracts,
  usersContracts,
} from './identity.js';
import { modelsContracts, providersContracts, routingContracts, settingsContracts } from './llm.js';
import {
  connectContracts,
  eventsContracts,
  myUsageContracts,
  orgUsageContracts,
  usageContracts,
} from './usage.js';
import { dlpContracts } from './dlp.js';
import { agentsContracts } from './agents.js';
import { experimentsContracts } from './experiments.js';
import { whatIfContracts } from './whatif.js';
import { rulesContracts } from './rules.js';
import { deadLetterContracts } from './dead-letters.js';

export * from './contract.js';
export * from './permissions.js';
export * from './auth.js';
export * from './identity.js';
export * from './llm.js';
export * from './usage.js';
export * from './dlp.js';
export * from './agents.js';
export * from './experiments.js';
export * from './whatif.js';
export * from './rules.js';
export * from './dead-letters.js';

/** Every endpoint of the admin API and the system routes, by area. */
export const CONTRACTS = {
  auth: authContracts,
  system: systemContracts,
  users: usersContracts,
  keys: keysContracts,
  myKeys: myKeysContracts,
  byok: byokContracts,
  orgs: orgsContracts,
  apps: appsContracts,
  audit: auditContracts,
  providers: providersContracts,
  models: modelsContracts,
  routing: routingContracts,
  settings: settingsContracts,
  usage: usageContracts,
  myUsage: myUsageContracts,
  orgUsage: orgUsageContracts,
  connect: connectContracts,
  dataProtection: dlpContracts,
  events: eventsContracts,
  agents: agentsContracts,
  experiments: experimentsContracts,
  whatIf: whatIfContracts,
  rules: rulesContracts,
  deadLetters: deadLetterContracts,
} as const;

/** All contracts in one list (OpenAPI, the role matrix, the contract tests). */
export const ALL_CONTRACTS: readonly Contract[] = Object.values(CONTRACTS).flatMap((area) =>
  Object.values(area as Record<string, Contract>),
);
