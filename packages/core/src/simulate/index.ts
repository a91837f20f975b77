export * from './change.js';
export * from './simulate.js';
