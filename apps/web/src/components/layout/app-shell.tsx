import { ChevronDown, Command, LogOut, Menu, Palette, X } from 'lucide-react';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { NavLink, Outlet, useLocation, useNavigate, useNavigation } from 'react-router';
import { NAV, navFor, type NavItem } from '../../app/nav';
import { useLogout } from '../../features/auth/api/logout';
import { useIsOrgAdmin } from '../../features/data-protection/api/get-status';
import type { MeResponse } from '../../features/auth/api/me';
import { THEME_LABELS, THEMES, nextTheme } from '../../features/theme/theme';
import { useTheme } from '../../features/theme/use-theme';
import { useDocumentTitle } from '../../lib/use-document-title';
import type { PaletteAction } from '../command-palette';
import { Skeleton } from '../ui/states';
import '../ui/motion.css';
import { NotAllowed } from './not-allowed';

// The palette (and its dialog) load the first time it opens, not with the shell.
const loadPalette = () => import('../command-palette');
const CommandPalette = lazy(() => loadPalette().then((m) => ({ default: m.CommandPalette })));

/** The page a path belongs to (its sidebar entry), whoever may open it. */
export function pageFor(pathname: string): NavItem | undefined {
  return NAV.find((n) =>
    n.to === '/' ? pathname === '/' : pathname === n.to || pathname.startsWith(`${n.to}/`),
  );
}

const ROLE_LABEL: Record<string, string> = {
  super_admin: 'Super admin',
  admin: 'Admin',
  user: 'User',
  viewer: 'Viewer',
};

export function AppShell({ me }: { me: MeResponse }) {
  const nav = navFor(me.user.role, { orgAdmin: useIsOrgAdmin(me.user.role) });
  const navigate = useNavigate();
  const location = useLocation();
  const logout = useLogout();
  const { theme, setTheme } = useTheme();
  const [paletteOpen, setPaletteOpen] = useState(false);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const [paletteLoaded, setPaletteLoaded] = useState(false);
  const navigation = useNavigation();

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setPaletteLoaded(true);
        setPaletteOpen((o) => !o);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => setDrawerOpen(false), [location.pathname]);

  const signOut = () => logout.mutate(undefined, { onSettled: () => navigate('/login') });
  const actions: PaletteAction[] = useMemo(
    () => [
      ...nav.flatMap((n) => [
        {
          id: `go:${n.to}`,
          label: `Go to ${n.label}`,
          hint: 'page',
          keywords: n.keywords,
          run: () => navigate(n.to),
        },
        ...(n.tabs ?? []).map((t) => ({
          id: `go:${t.to}`,
          label: `Go to ${n.label} › ${t.label}`,
          hint: 'page',
          keywords: t.keywords,
          run: () => navigate(t.to),
        })),
      ]),
      ...THEMES.map((t) => ({
        id: `theme:${t}`,
        label: `Theme: ${THEME_LABELS[t]}`,
        hint: 'action',
        keywords: 'theme color appearance',
        run: () => setTheme(t),
      })),
      { id: 'logout', label: 'Sign out', hint: 'action', keywords: 'logout exit', run: signOut },
    ],
    [nav, navigate, setTheme],
  );
  // A page the role may not open gets one "not allowed" page, not a wall of failed panels; an unknown path, "not found".
  const page = pageFor(location.pathname);
  // An org-admin page (data protection) tells a user who administers no org so itself.
  const allowed = !page || page.roles.includes(me.user.role) || (!!page.orgAdmins && me.user.role === 'user');
  // A page with tabs (the LLM area) is titled by its tab.
  const tab = page?.tabs?.find((t) => location.pathname === t.to || location.pathname.startsWith(`${t.to}/`));
  const title = !allowed ? 'Not allowed' : (tab?.label ?? page?.label ?? 'Page not found');
  useDocumentTitle(title);
  const openPalette = () => {
    setPaletteLoaded(true);
    setPaletteOpen(true);
  };

  const sidebar = (
    <nav aria-label="Main" className="flex h-full flex-col gap-1 p-3">
      <div className="mb-4 flex items-center gap-2 px-2 py-1">
        <div className="hero-gradient grid h-8 w-8 place-items-center rounded-lg font-bold text-white">S</div>
        <span className="text-lg font-semibold">Switchyard</span>
      </div>
      {nav.map((n) => (
        <NavLink
          key={n.to}
          to={n.to}
          end={n.to === '/'}
          className={({ isActive }) =>
            `flex items-center gap-3 rounded-lg px-3 py-2 text-sm transition ${isActive ? 'bg-accent/15 font-medium text-fg' : 'text-muted hover:bg-surface-2 hover:text-fg'}`
          }
        >
          <n.icon aria-hidden className="h-4 w-4" />
          {n.label}
        </NavLink>
      ))}
    </nav>
  );

  return (
    <div className="flex min-h-full">
      <a href="#main" className="skip-link">
        Skip to main content
      </a>
      {navigation.state === 'loading' ? (
        <div role="progressbar" aria-label="Loading page" className="page-progress" />
      ) : null}
      <aside className="hidden w-60 shrink-0 border-r border-border bg-surface md:block">{sidebar}</aside>
      {drawerOpen ? (
        <div className="fixed inset-0 z-40 md:hidden">
          <div className="absolute inset-0 bg-black/50" onClick={() => setDrawerOpen(false)} />
          <aside className="absolute inset-y-0 left-0 w-64 border-r border-border bg-surface">
            <button
              type="button"
              aria-label="Close navigation"
              className="absolute right-2 top-3 rounded p-2"
              onClick={() => setDrawerOpen(false)}
            >
              <X className="h-4 w-4" />
            </button>
            {sidebar}
          </aside>
        </div>
      ) : null}
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-30 flex items-center gap-2 border-b border-border bg-bg/85 px-4 py-3 backdrop-blur">
          <button
            type="button"
            aria-label="Open navigation"
            className="rounded-lg p-2 hover:bg-surface-2 md:hidden"
            onClick={() => setDrawerOpen(true)}
          >
            <Menu className="h-5 w-5" />
          </button>
          <h1 className="truncate text-lg font-semibold">{title}</h1>
          <div className="ml-auto flex items-center gap-1">
            <button
              type="button"
              aria-keyshortcuts="Control+K Meta+K"
              onClick={openPalette}
              onMouseEnter={() => void loadPalette()}
              onFocus={() => void loadPalette()}
              className="flex items-center gap-2 rounded-lg border border-border px-3 py-1.5 text-xs text-muted hover:text-fg"
            >
              <Command aria-hidden className="h-3.5 w-3.5" />
              {/* The name is the visible text plus what it does: "Open command palette Ctrl K". */}
              <span className="sr-only">Open command palette</span>
              <span className="hidden sm:inline">Ctrl K</span>
            </button>
            <button
              type="button"
              aria-label={`Theme: ${THEME_LABELS[theme]} (switch)`}
              title={`Theme: ${THEME_LABELS[theme]}`}
              onClick={() => setTheme(nextTheme(theme))}
              className="rounded-lg p-2 text-muted hover:bg-surface-2 hover:text-fg"
            >
              <Palette className="h-5 w-5" />
            </button>
            <div className="relative">
              <button
                type="button"
                aria-haspopup="menu"
                aria-expanded={menuOpen}
                aria-label="Account menu"
                onClick={() => setMenuOpen((o) => !o)}
                className="flex items-center gap-2 rounded-lg px-2 py-1.5 hover:bg-surface-2"
              >
                <span className="hero-gradient grid h-7 w-7 place-items-center rounded-full text-xs font-semibold text-white">
                  {me.user.name.slice(0, 1).toUpperCase()}
                </span>
                <ChevronDown aria-hidden className="h-4 w-4 text-muted" />
              </button>
              {menuOpen ? (
                <div
                  role="menu"
                  className="absolute right-0 mt-2 w-64 rounded-xl border border-border bg-surface p-2 shadow-xl"
                >
                  <div className="px-3 py-2">
                    <p className="truncate text-sm font-medium" data-testid="user-email">
                      {me.user.email}
                    </p>
                    <p className="text-xs text-muted" data-testid="user-role">
                      {ROLE_LABEL[me.user.role] ?? me.user.role}
                    </p>
                  </div>
                  <button
                    type="button"
                    role="menuitem"
                    onClick={signOut}
                    className="flex w-full items-center gap-2 rounded-lg px-3 py-2 text-sm hover:bg-surface-2"
                  >
                    <LogOut aria-hidden className="h-4 w-4" /> Sign out
                  </button>
                </div>
              ) : null}
            </div>
          </div>
        </header>
        <main id="main" tabIndex={-1} className="min-w-0 flex-1 p-4 outline-none md:p-6">
          {/* A short fade-in per page (CSS, off under prefers-reduced-motion). */}
          <div key={location.pathname} className="sy-rise-in">
            <Suspense fallback={<Skeleton className="h-40 w-full" />}>
              {allowed ? (
                <Outlet context={me} />
              ) : (
                <NotAllowed roleLabel={ROLE_LABEL[me.user.role] ?? me.user.role} />
              )}
            </Suspense>
          </div>
        </main>
      </div>
      {paletteLoaded ? (
        <Suspense fallback={null}>
          <CommandPalette
            open={paletteOpen}
            onClose={() => setPaletteOpen(false)}
            actions={actions}
            me={me}
          />
        </Suspense>
      ) : null}
    </div>
  );
}
