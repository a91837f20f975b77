import type { Permission, RegistryModel } from '@switchyard/core';
import { useQuery } from '@tanstack/react-query';
import { Search } from 'lucide-react';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { NAV } from '../app/nav';
import type { MeResponse } from '../features/auth/api/me';
import { api } from '../lib/api-client';
import { withQuery } from '../lib/search-params';
import { useDebounced } from '../lib/use-debounced';
import { Modal } from './ui/modal';

export interface PaletteAction {
  id: string;
  label: string;
  hint?: string;
  keywords?: string;
  run: () => void;
}

/** Case-insensitive match on label and keywords; every word of the query must appear. Label matches come first. */
export function filterActions(actions: readonly PaletteAction[], query: string): PaletteAction[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...actions];
  const matches = actions.filter((a) => {
    const hay = `${a.label} ${a.keywords ?? ''} ${a.hint ?? ''}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  const inLabel = (a: PaletteAction) => words.every((w) => a.label.toLowerCase().includes(w));
  return [...matches.filter(inLabel), ...matches.filter((a) => !inLabel(a))];
}

/** A record found through the API: where choosing it goes. */
export interface PaletteHit {
  id: string;
  label: string;
  hint: 'model' | 'user' | 'provider';
  to: string;
}

/** Queries shorter than this search pages and actions only. */
export const MIN_SEARCH_CHARS = 2;
const PER_KIND = 5;

/** Which records this user may search: the permission the API checks, and a page of theirs to open the record on. */
export function searchableKinds(me: MeResponse): { models: boolean; users: boolean; providers: boolean } {
  const opens = (path: string) => NAV.some((n) => n.to === path && n.roles.includes(me.user.role));
  const has = (p: Permission) => me.permissions.includes(p);
  return {
    models: has('models:read') && opens('/llm'),
    users: has('users:read') && opens('/users'),
    providers: has('providers:read') && opens('/llm'),
  };
}

type ModelRow = Pick<RegistryModel, 'id' | 'ref' | 'modelId' | 'displayName'>;
interface UserRow {
  id: string;
  email: string;
  name: string;
  role: string;
}
interface ProviderRow {
  id: string;
  name: string;
  slug: string;
  type: string;
}

/** Models, users and providers matching `query`, each kind only if `me` may see it; one failing kind hides only itself. */
export async function searchRecords(
  query: string,
  me: MeResponse,
  signal?: AbortSignal,
): Promise<PaletteHit[]> {
  const q = query.trim();
  if (q.length < MIN_SEARCH_CHARS) return [];
  const kinds = searchableKinds(me);
  const lower = q.toLowerCase();
  const settle = <T,>(p: Promise<T[]>) => p.catch((): T[] => []);
  const [models, users, providers] = await Promise.all([
    kinds.models
      ? settle(
          api<{ data: ModelRow[] }>(withQuery('/llm/models', { search: q, limit: PER_KIND }), {
            signal,
          }).then((r) => r.data),
        )
      : [],
    kinds.users
      ? settle(api<{ data: UserRow[] }>(withQuery('/users', { search: q }), { signal }).then((r) => r.data))
      : [],
    kinds.providers
      ? settle(api<{ data: ProviderRow[] }>('/llm/providers', { signal }).then((r) => r.data))
      : [],
  ]);
  const hits: PaletteHit[] = [];
  for (const p of providers
    .filter((p) => `${p.name} ${p.slug} ${p.type}`.toLowerCase().includes(lower))
    .slice(0, PER_KIND)) {
    hits.push({
      id: `provider:${p.id}`,
      label: `${p.name} (${p.slug}): its models`,
      hint: 'provider',
      to: withQuery('/llm/models', { provider: p.slug }),
    });
  }
  for (const m of models.slice(0, PER_KIND)) {
    hits.push({
      id: `model:${m.id}`,
      label: m.displayName && m.displayName !== m.modelId ? `${m.displayName} · ${m.ref}` : m.ref,
      hint: 'model',
      to: withQuery('/llm/models', { q: m.modelId }),
    });
  }
  for (const u of users.slice(0, PER_KIND)) {
    hits.push({
      id: `user:${u.id}`,
      label: `${u.name} · ${u.email}`,
      hint: 'user',
      to: withQuery('/users', { q: u.email }),
    });
  }
  return hits;
}

export function CommandPalette({
  open,
  onClose,
  actions,
  me,
}: {
  open: boolean;
  onClose: () => void;
  actions: readonly PaletteAction[];
  me?: MeResponse;
}) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const navigate = useNavigate();
  const debounced = useDebounced(query.trim(), 200);
  const records = useQuery({
    queryKey: ['palette', me?.user.id ?? '', debounced],
    queryFn: ({ signal }) => searchRecords(debounced, me!, signal),
    enabled: open && !!me && debounced.length >= MIN_SEARCH_CHARS,
    staleTime: 30_000,
  });
  const shown = useMemo(() => {
    const found: PaletteAction[] = (debounced.length >= MIN_SEARCH_CHARS ? (records.data ?? []) : []).map(
      (h) => ({ id: h.id, label: h.label, hint: h.hint, run: () => navigate(h.to) }),
    );
    return [...filterActions(actions, query), ...found];
  }, [actions, query, debounced, records.data, navigate]);
  const searching =
    !!me && query.trim().length >= MIN_SEARCH_CHARS && (debounced !== query.trim() || records.isFetching);
  const close = () => {
    setQuery('');
    setActive(0);
    onClose();
  };
  const run = (a: PaletteAction | undefined) => {
    if (!a) return;
    close();
    a.run();
  };
  const kinds = me ? searchableKinds(me) : null;
  const what = kinds
    ? ['pages', kinds.models && 'models', kinds.users && 'users', kinds.providers && 'providers']
        .filter(Boolean)
        .join(', ')
    : 'pages';
  return (
    <Modal open={open} onClose={close} label="Command palette">
      <div className="flex items-center gap-2 border-b border-border px-4">
        <Search aria-hidden className="h-4 w-4 text-muted" />
        <input
          autoFocus
          aria-label="Search pages and actions"
          placeholder={`Search ${what}, or run an action…`}
          className="w-full bg-transparent py-3 text-sm outline-none"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setActive((i) => Math.min(i + 1, Math.max(0, shown.length - 1)));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((i) => Math.max(i - 1, 0));
            } else if (e.key === 'Enter') {
              e.preventDefault();
              run(shown[active]);
            }
          }}
        />
      </div>
      <ul role="listbox" aria-label="Results" aria-busy={searching} className="max-h-80 overflow-y-auto p-2">
        {shown.length === 0 && !searching ? (
          <li className="px-3 py-6 text-center text-sm text-muted">Nothing matches “{query}”.</li>
        ) : null}
        {shown.map((a, i) => (
          <li key={a.id} role="option" aria-selected={i === active}>
            <button
              type="button"
              onMouseEnter={() => setActive(i)}
              onClick={() => run(a)}
              className={`flex w-full items-center justify-between gap-3 rounded-lg px-3 py-2 text-left text-sm ${i === active ? 'bg-accent/15 text-fg' : 'text-muted'}`}
            >
              <span className="min-w-0 truncate">{a.label}</span>
              {a.hint ? <span className="shrink-0 text-xs">{a.hint}</span> : null}
            </button>
          </li>
        ))}
        {searching ? <li className="px-3 py-2 text-xs text-muted">Searching…</li> : null}
      </ul>
    </Modal>
  );
}
