import { lazy } from 'react';
import { createBrowserRouter, Navigate, useLocation } from 'react-router';
import { AppShell } from '../components/layout/app-shell';
import { RouteError } from '../components/route-error';
import { ErrorState, Skeleton } from '../components/ui/states';
import { useMe } from '../features/auth/api/me';
import { LoginPage } from '../features/auth/components/login-page';

const OverviewPage = lazy(() =>
  import('../features/overview/components/overview-page').then((m) => ({ default: m.OverviewPage })),
);
const MyKeysPage = lazy(() =>
  import('../features/keys/components/my-keys-page').then((m) => ({ default: m.MyKeysPage })),
);
const MyByokPage = lazy(() =>
  import('../features/byok/components/my-byok-page').then((m) => ({ default: m.MyByokPage })),
);
const GatewayKeysPage = lazy(() =>
  import('../features/keys/components/gateway-keys-page').then((m) => ({ default: m.GatewayKeysPage })),
);
const UsersPage = lazy(() =>
  import('../features/users/components/users-page').then((m) => ({ default: m.UsersPage })),
);
const OrgsPage = lazy(() =>
  import('../features/orgs/components/orgs-page').then((m) => ({ default: m.OrgsPage })),
);
const AppsPage = lazy(() =>
  import('../features/apps/components/apps-page').then((m) => ({ default: m.AppsPage })),
);
const AuditPage = lazy(() =>
  import('../features/audit/components/audit-page').then((m) => ({ default: m.AuditPage })),
);
const ProvidersPage = lazy(() =>
  import('../features/providers/components/providers-page').then((m) => ({ default: m.ProvidersPage })),
);
const ModelsPage = lazy(() =>
  import('../features/models/components/models-page').then((m) => ({ default: m.ModelsPage })),
);
const LogsPage = lazy(() =>
  import('../features/logs/components/logs-page').then((m) => ({ default: m.LogsPage })),
);
const UsagePage = lazy(() =>
  import('../features/usage/components/usage-page').then((m) => ({ default: m.UsagePage })),
);
const MyUsagePage = lazy(() =>
  import('../features/usage/components/my-usage-page').then((m) => ({ default: m.MyUsagePage })),
);
const ErrorsPage = lazy(() =>
  import('../features/errors/components/errors-page').then((m) => ({ default: m.ErrorsPage })),
);
const SettingsPage = lazy(() =>
  import('../features/settings/components/settings-page').then((m) => ({ default: m.SettingsPage })),
);
const ConnectPage = lazy(() =>
  import('../features/connect/components/connect-page').then((m) => ({ default: m.ConnectPage })),
);
const AccountPage = lazy(() =>
  import('../features/account/components/account-page').then((m) => ({ default: m.AccountPage })),
);

/** Signed-out visitors go to /login?next=<where they were>. */
function Protected() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) {
    return (
      <div className="p-6">
        <Skeleton className="h-10 w-60" />
      </div>
    );
  }
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

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  {
    element: <Protected />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <OverviewPage /> },
      { path: 'my-keys', element: <MyKeysPage /> },
      { path: 'connect', element: <ConnectPage /> },
      { path: 'my-provider-keys', element: <MyByokPage /> },
      { path: 'keys', element: <GatewayKeysPage /> },
      { path: 'users', element: <UsersPage /> },
      { path: 'orgs', element: <OrgsPage /> },
      { path: 'apps', element: <AppsPage /> },
      { path: 'audit', element: <AuditPage /> },
      { path: 'providers', element: <ProvidersPage /> },
      { path: 'models', element: <ModelsPage /> },
      { path: 'logs', element: <LogsPage /> },
      { path: 'usage', element: <UsagePage /> },
      { path: 'my-usage', element: <MyUsagePage /> },
      { path: 'errors', element: <ErrorsPage /> },
      { path: 'settings', element: <SettingsPage /> },
      { path: 'account', element: <AccountPage /> },
      { path: '*', element: <div className="text-muted">This page does not exist.</div> },
    ],
  },
]);
