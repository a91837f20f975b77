export const THEMES = ['dark', 'light', 'unicorn'] as const;
export type Theme = (typeof THEMES)[number];
export const THEME_KEY = 'switchyard.theme';

export const THEME_LABELS: Record<Theme, string> = { dark: 'Dark', light: 'Light', unicorn: 'Magic Unicorn' };

/** The stored choice wins; without one the system preference decides (dark unless it asks for light). */
export function resolveTheme(stored: string | null, prefersLight: boolean): Theme {
  if (stored && (THEMES as readonly string[]).includes(stored)) return stored as Theme;
  return prefersLight ? 'light' : 'dark';
}

export function nextTheme(t: Theme): Theme {
  return THEMES[(THEMES.indexOf(t) + 1) % THEMES.length]!;
}
