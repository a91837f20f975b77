import { useCallback, useEffect, useState } from 'react';
import { resolveTheme, THEME_KEY, type Theme } from './theme';

function read(): Theme {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(THEME_KEY);
  } catch {
    // storage unavailable
  }
  return resolveTheme(stored, window.matchMedia?.('(prefers-color-scheme: light)').matches ?? false);
}

/** The theme on <html data-theme>, persisted once the user picks one, following the system until then. */
export function useTheme() {
  const [theme, setThemeState] = useState<Theme>(read);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => {
    const mq = window.matchMedia?.('(prefers-color-scheme: light)');
    if (!mq) return;
    const onChange = () => setThemeState(read());
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, []);
  const setTheme = useCallback((t: Theme) => {
    try {
      localStorage.setItem(THEME_KEY, t);
    } catch {
      // storage unavailable: still apply for this session
    }
    setThemeState(t);
  }, []);
  return { theme, setTheme };
}
