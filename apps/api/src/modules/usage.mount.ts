import type { Router } from 'express';
import type { AppContext } from '../context.js';

/**
 * Mount point for the read side under /api/v1/llm: usage, stats, logs, per-user usage, error reports, export.
 */
export function mountUsageModules(_api: Router, _ctx: AppContext): void {}
