import type { Router } from 'express';
import type { AppContext } from '../context.js';

/**
 * Mount point for identity modules: users, organizations, apps, gateway keys, BYOK keys, audit log.
 * Each module exports a Router factory taking the AppContext; mount them on `api` (/api/v1) here.
 */
export function mountIdentityModules(_api: Router, _ctx: AppContext): void {}
