/**
 * Why the seed disabled a provider: the environment variable its `_env` key reference names is not set. The seed
 * writes it (and clears it once the variable is set); the providers API explains it to the admin.
 */
export const DISABLED_MISSING_ENV = 'missing_env';
