export const CORE_VERSION = "0.1.0";
export * from './schemas/identity/index.js';
export * from './schemas/admin/index.js';
export * from './schemas/usage/index.js';
export * from './schemas/routing/index.js';
export * from './schemas/models/index.js';
export * from './schemas/settings/index.js';
export * from './engine/index.js';
export * from './client-tool/index.js';
