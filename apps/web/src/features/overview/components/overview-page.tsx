import { Activity, Database, ShieldCheck } from 'lucide-react';
import { useOutletContext } from 'react-router';
import { Card } from '../../../components/ui/card';
import { ErrorState, Skeleton } from '../../../components/ui/states';
import type { MeResponse } from '../../auth/api/me';
import { useReadiness } from '../api/get-readiness';

const ROLE_LABEL: Record<string, string> = { super_admin: 'Super admin', admin: 'Admin', user: 'User', viewer: 'Viewer' };

export function OverviewPage() {
  const me = useOutletContext<MeResponse>();
  const ready = useReadiness();
  return (
    <div className="flex flex-col gap-6">
      <section className="hero-gradient rounded-2xl p-6 text-white shadow-lg">
        <p className="text-sm opacity-80">Signed in as {ROLE_LABEL[me.user.role] ?? me.user.role}</p>
        <h2 className="mt-1 text-2xl font-semibold">Welcome, {me.user.name}</h2>
        <p className="mt-2 max-w-2xl break-words text-sm opacity-90">
          Send OpenAI- or Anthropic-format requests to <code className="rounded bg-white/20 px-1">{window.location.origin}/v1</code> with a gateway key.
        </p>
      </section>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3">
        <Card>
          <div className="flex items-center gap-3">
            <Database aria-hidden className="h-5 w-5 text-accent" />
            <h3 className="font-medium">Database</h3>
          </div>
          <div className="mt-3 text-sm" data-testid="db-status">
            {ready.isPending ? (
              <Skeleton className="h-5 w-24" />
            ) : ready.isError ? (
              <ErrorState error={ready.error} onRetry={() => void ready.refetch()} />
            ) : ready.data.database === 'ok' ? (
              <span className="text-ok">Reachable</span>
            ) : (
              <span className="text-danger">Unreachable</span>
            )}
          </div>
        </Card>
        <Card>
          <div className="flex items-center gap-3">
            <ShieldCheck aria-hidden className="h-5 w-5 text-accent-2" />
            <h3 className="font-medium">Your permissions</h3>
          </div>
          <p className="mt-3 text-sm text-muted">
            {me.permissions.length} permissions for the {ROLE_LABEL[me.user.role] ?? me.user.role} role.
          </p>
        </Card>
        <Card>
          <div className="flex items-center gap-3">
            <Activity aria-hidden className="h-5 w-5 text-ok" />
            <h3 className="font-medium">Endpoints</h3>
          </div>
          <ul className="mt-3 space-y-1 text-sm text-muted">
            <li><code>POST /v1/chat/completions</code></li>
            <li><code>POST /v1/messages</code></li>
            <li><code>GET /v1/models</code></li>
          </ul>
        </Card>
      </div>
    </div>
  );
}
