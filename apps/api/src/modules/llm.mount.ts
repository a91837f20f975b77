import type { Router } from 'express';
import type { AppContext } from '../context.js';

/**
 * Mount point for the /api/v1/llm/* modules: providers, models, routing, usage, stats, logs, export, settings.
 */
export function mountLlmModules(_api: Router, _ctx: AppContext): void {}
