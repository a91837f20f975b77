export * from './policy.js';
export * from './validators.js';
export * from './scanner.js';
export * from './protect.js';
export * from './body.js';
