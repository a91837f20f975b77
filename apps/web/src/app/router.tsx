import type { ComponentType } from 'react';
import {
  createBrowserRouter,
  Navigate,
  redirect,
  useLoaderData,
  useLocation,
  type LoaderFunctionArgs,
  type RouteObject,
} from 'react-router';
import { AppShell } from '../components/layout/app-shell';
import { ShellSkeleton } from '../components/layout/shell-skeleton';
import { RouteError, Unreachable } from '../components/route-error';
import { ErrorState } from '../components/ui/states';
import { meQueryOptions, useMe, type MeResponse } from '../features/auth/api/me';
import { legacyLlmTarget, llmPath } from '../features/llm/tabs';
import { readinessQueryOptions } from '../features/overview/api/get-readiness';
import { liveQueryOptions } from '../features/usage/api/get-live';
import { usageQueryOptions } from '../features/usage/api/get-usage';
import { isUnreachable } from '../lib/api-client';
import { queryClient } from '../lib/query-client';
import { useDocumentTitle } from '../lib/use-document-title';

/**
 * Every page is its own chunk, loaded by the router (`lazy`) when the navigation starts, in parallel with the
 * route's loader: no Suspense fallback in between (React holds a revealed fallback for 300 ms), and the old page
 * stays until the new one is ready (the shell shows a progress bar).
 */
const page =
  <M,>(load: () => Promise<M>, pick: (m: M) => ComponentType) =>
  async () => ({ Component: pick(await load()) });

/** The signed-in user, fetched once and shared with `useMe`; signed-out visitors go to /login?next=<here>. */
async function sessionLoader({ request }: LoaderFunctionArgs) {
  const me = await queryClient.ensureQueryData(meQueryOptions());
  if (!me) {
    const url = new URL(request.url);
    throw redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return null;
}

/** Operators land on Overview, everyone else on their own usage (as the API would allow: `usage:read-any`). */
export function homeFor(me: MeResponse): 'overview' | 'my-usage' {
  return me.user.role !== 'user' && me.permissions.includes('usage:read-any') ? 'overview' : 'my-usage';
}

type Home =
  { kind: 'overview'; Page: ComponentType } | { kind: 'my-usage'; Page: ComponentType<{ home?: boolean }> };

/**
 * Home: the page's chunk, its charts' chunk and its data start together, as soon as the session is known, instead
 * of one after the other (chunk, then render, then queries, then the charts chunk).
 */
async function homeLoader(): Promise<Home | null> {
  const me = await queryClient.ensureQueryData(meQueryOptions());
  if (!me) return null;
  if (homeFor(me) === 'overview') {
    void queryClient.prefetchQuery(liveQueryOptions());
    void queryClient.prefetchQuery(usageQueryOptions('7d'));
    void queryClient.prefetchQuery(readinessQueryOptions());
    const m = await import('../features/overview/components/overview-page');
    // The charts' chunk loads while the data is on its way; the page's figures never wait for it.
    void import('../components/charts/impl');
    return { kind: 'overview', Page: m.OverviewPage };
  }
  const m = await import('../features/usage/components/my-usage-page');
  return { kind: 'my-usage', Page: m.MyUsagePage };
}

function HomePage() {
  // Loader data here is the page component itself (client-only routing: nothing is serialised).
  const home = useLoaderData() as Home | null;
  if (!home) return null;
  return home.kind === 'overview' ? <home.Page /> : <home.Page home />;
}

/** Signed-out visitors go to /login?next=<where they were> (also after signing out on this page). */
function Protected() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <ShellSkeleton />;
  if (me.isError && isUnreachable(me.error)) return <Unreachable onRetry={() => void me.refetch()} />;
  if (me.isError)
    return (
      <div className="p-6">
        <ErrorState error={me.error} onRetry={() => void me.refetch()} />
      </div>
    );
  if (!me.data)
    return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <AppShell me={me.data} />;
}

/** An old LLM page's address: a redirect to its tab in the LLM area. */
function legacyLlmLoader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  return redirect(legacyLlmTarget(url.pathname, url.search) ?? llmPath('providers'));
}

function NotFound() {
  return <div className="text-muted">This page does not exist.</div>;
}

function LoginTitle({ Page }: { Page: ComponentType }) {
  useDocumentTitle('Sign in');
  return <Page />;
}

export const routes: RouteObject[] = [
  {
    path: '/login',
    HydrateFallback: ShellSkeleton,
    errorElement: <RouteError />,
    lazy: page(
      () => import('../features/auth/components/login-page'),
      (m) => () => <LoginTitle Page={m.LoginPage} />,
    ),
  },
  {
    element: <Protected />,
    loader: sessionLoader,
    HydrateFallback: ShellSkeleton,
    errorElement: <RouteError />,
    children: [
      { index: true, loader: homeLoader, Component: HomePage },
      {
        path: 'my-keys',
        lazy: page(
          () => import('../features/keys/components/my-keys-page'),
          (m) => m.MyKeysPage,
        ),
      },
      {
        path: 'connect',
        lazy: page(
          () => import('../features/connect/components/connect-page'),
          (m) => m.ConnectPage,
        ),
      },
      {
        path: 'my-provider-keys',
        lazy: page(
          () => import('../features/byok/components/my-byok-page'),
          (m) => m.MyByokPage,
        ),
      },
      {
        path: 'users',
        lazy: page(
          () => import('../features/users/components/users-page'),
          (m) => m.UsersPage,
        ),
      },
      {
        path: 'orgs',
        lazy: page(
          () => import('../features/orgs/components/orgs-page'),
          (m) => m.OrgsPage,
        ),
      },
      {
        path: 'apps',
        lazy: page(
          () => import('../features/apps/components/apps-page'),
          (m) => m.AppsPage,
        ),
      },
      {
        path: 'org-usage',
        lazy: page(
          () => import('../features/org-usage/components/org-usage-page'),
          (m) => m.OrgUsagePage,
        ),
      },
      {
        path: 'org-whatif',
        lazy: page(
          () => import('../features/whatif/components/whatif-page'),
          (m) => m.OrgWhatIfPage,
        ),
      },
      {
        path: 'data-protection',
        lazy: page(
          () => import('../features/data-protection/components/data-protection-page'),
          (m) => m.DataProtectionPage,
        ),
      },
      {
        path: 'audit',
        lazy: page(
          () => import('../features/audit/components/audit-page'),
          (m) => m.AuditPage,
        ),
      },
      {
        path: 'routing',
        lazy: page(
          () => import('../features/routing-summary/components/routing-summary-page'),
          (m) => m.RoutingSummaryPage,
        ),
      },
      {
        path: 'llm',
        lazy: page(
          () => import('../features/llm/components/llm-layout'),
          (m) => m.LlmLayout,
        ),
        children: [
          { index: true, loader: () => redirect(llmPath('providers')) },
          {
            path: 'providers',
            lazy: page(
              () => import('../features/providers/components/providers-page'),
              (m) => () => <m.ProvidersPage section="overview" />,
            ),
          },
          {
            path: 'models',
            lazy: page(
              () => import('../features/models/components/models-page'),
              (m) => m.ModelsPage,
            ),
          },
          {
            path: 'routing',
            lazy: page(
              () => import('../features/providers/components/providers-page'),
              (m) => () => <m.ProvidersPage section="routing" />,
            ),
          },
          {
            path: 'agents',
            lazy: page(
              () => import('../features/agents/components/agents-page'),
              (m) => m.AgentsPage,
            ),
          },
          {
            path: 'experiments',
            lazy: page(
              () => import('../features/experiments/components/experiments-page'),
              (m) => m.ExperimentsPage,
            ),
          },
          {
            path: 'rules',
            lazy: page(
              () => import('../features/rules/components/rules-page'),
              (m) => m.RulesPage,
            ),
          },
          {
            path: 'keys',
            lazy: page(
              () => import('../features/llm/components/llm-keys-tab'),
              (m) => m.LlmKeysTab,
            ),
          },
          {
            path: 'spend',
            lazy: page(
              () => import('../features/usage/components/usage-page'),
              (m) => m.UsagePage,
            ),
          },
          {
            path: 'whatif',
            lazy: page(
              () => import('../features/whatif/components/whatif-page'),
              (m) => m.WhatIfPage,
            ),
          },
          { path: '*', Component: NotFound },
        ],
      },
      // The pages the LLM area replaced: their tab, with the same query string.
      ...['providers', 'models', 'keys', 'usage'].map((path) => ({ path, loader: legacyLlmLoader })),
      {
        path: 'logs',
        lazy: page(
          () => import('../features/logs/components/logs-page'),
          (m) => m.LogsPage,
        ),
      },
      {
        path: 'feedback',
        lazy: page(
          () => import('../features/feedback/components/feedback-page'),
          (m) => m.FeedbackPage,
        ),
      },
      {
        path: 'my-usage',
        lazy: page(
          () => import('../features/usage/components/my-usage-page'),
          (m) => m.MyUsagePage,
        ),
      },
      {
        path: 'errors',
        lazy: page(
          () => import('../features/errors/components/errors-page'),
          (m) => m.ErrorsPage,
        ),
      },
      {
        path: 'settings',
        lazy: page(
          () => import('../features/settings/components/settings-page'),
          (m) => m.SettingsPage,
        ),
      },
      {
        path: 'account',
        lazy: page(
          () => import('../features/account/components/account-page'),
          (m) => m.AccountPage,
        ),
      },
      { path: '*', Component: NotFound },
    ],
  },
];

export const router = createBrowserRouter(routes);
