/** Build-time configuration: where the API lives (same origin unless VITE_API_BASE says otherwise). */
const base: unknown = import.meta.env.VITE_API_BASE;

export const env = { VITE_API_BASE: typeof base === 'string' ? base.replace(/\/+$/, '') : '' } as const;
