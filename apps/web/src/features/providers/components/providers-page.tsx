import { Plus } from 'lucide-react';
import { useMemo, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { PageHeader, ReadOnlyNote } from '../../../components/ui/page';
import { useQueryState } from '../../../lib/search-params';
import { useCan } from '../../auth/use-can';
import { useCreateProvider } from '../api/create-provider';
import { useAliases } from '../api/get-aliases';
import { useModelRefs } from '../api/get-model-refs';
import { useImportModels } from '../api/import-models';
import type { TraceStart } from '../routing-form';
import { importNotice } from '../import-notice';
import type { Provider } from '../api/types';
import { useUpdateProvider } from '../api/update-provider';
import { AliasesTable } from './aliases-table';
import { ByokPanel } from './byok-panel';
import { FallbackChains } from './fallback-chains';
import { PowerLevels } from './power-levels';
import { ProviderCards } from './provider-cards';
import { ProviderDialog } from './provider-dialog';
import { ResolverExplainer } from './resolver-explainer';
import { RoutingSettingsPanel } from './routing-settings-panel';
import { StatCards } from './stat-cards';
import { StrategyPanel } from './strategy-panel';
import { TraceDrawer } from './trace-drawer';
import { UsageAnalytics } from './usage-analytics';

/**
 * Providers & Routing, two tabs of the LLM area (`section`): stat cards, providers, strategy, BYOK, power levels,
 * usage; aliases, chains and the resolver trace.
 */
export function ProvidersPage({ section }: { section: 'overview' | 'routing' }) {
  const can = useCan();
  const canWrite = can('providers:write');
  const canRouting = can('routing:write');
  const qs = useQueryState();
  const tab = section;
  const [dialog, setDialog] = useState<{ mode: 'create' } | { mode: 'edit'; provider: Provider } | null>(
    null,
  );
  const [notice, setNotice] = useState<string | null>(null);
  const [tracing, setTracing] = useState(false);
  // A log entry's "Re-trace" opens the drawer here with that request's model and caller (and runs it).
  const traceModel = qs.get('trace');
  const traceEndpoint = qs.get('traceEndpoint');
  const traceStream = qs.get('traceStream') === '1';
  const traceAs = qs.get('traceAs');
  const traceRequestId = qs.get('traceRequest');
  const traceStart = useMemo<TraceStart | null>(
    () =>
      traceModel
        ? {
            model: traceModel,
            endpoint: traceEndpoint || undefined,
            stream: traceStream,
            runAs: traceAs || undefined,
            requestId: traceRequestId || undefined,
          }
        : null,
    [traceModel, traceEndpoint, traceStream, traceAs, traceRequestId],
  );
  const importer = useImportModels();
  const create = useCreateProvider();
  const update = useUpdateProvider();
  const refsQuery = useModelRefs();
  const aliases = useAliases();
  const refs = useMemo(() => (refsQuery.data ?? []).map((m) => m.ref), [refsQuery.data]);
  const suggestions = useMemo(
    () => [...new Set([...(aliases.data ?? []).map((a) => a.name), 'eco', 'balanced', 'precision', ...refs])],
    [aliases.data, refs],
  );
  const editing = dialog?.mode === 'edit' ? dialog.provider : null;
  const existingModels = useMemo(
    () =>
      editing ? (refsQuery.data ?? []).filter((m) => m.providerId === editing.id).map((m) => m.modelId) : [],
    [editing, refsQuery.data],
  );

  const afterSave = async (providerId: string, models: string[]) => {
    setDialog(null);
    if (!models.length) return;
    try {
      const r = await importer.mutateAsync({
        providerId,
        body: { models: models.map((modelId) => ({ modelId })) },
      });
      setNotice(importNotice(r));
    } catch (e) {
      setNotice(
        `The provider was saved, but its models could not be added: ${e instanceof Error ? e.message : 'failed'}.`,
      );
    }
  };

  return (
    <div className="flex min-w-0 flex-col gap-5">
      <PageHeader
        title={section === 'overview' ? 'Providers' : 'Aliases & routing'}
        description="Manage LLM providers, how requests are routed between them, what it costs, and who brings their own key."
        actions={
          tab === 'overview' && canWrite ? (
            <Button onClick={() => setDialog({ mode: 'create' })}>
              <Plus aria-hidden className="h-4 w-4" /> Add provider
            </Button>
          ) : null
        }
      />
      {!canWrite ? (
        <ReadOnlyNote>Read-only: your role can see providers and routing but not change them.</ReadOnlyNote>
      ) : null}
      {notice ? (
        <p role="alert" className="rounded-lg bg-amber-500/10 px-3 py-2 text-sm text-amber-500">
          {notice}
        </p>
      ) : null}
      {tab === 'overview' ? (
        <>
          <StatCards />
          <section aria-labelledby="providers-heading" className="min-w-0">
            <h3 id="providers-heading" className="mb-3 font-semibold">
              Providers
            </h3>
            <ProviderCards
              canWrite={canWrite}
              onConfigure={(provider) => setDialog({ mode: 'edit', provider })}
            />
          </section>
          <div className="grid grid-cols-1 gap-3 xl:grid-cols-3">
            <div className="min-w-0 xl:col-span-2">
              <StrategyPanel canChange={can('routing:strategy')} />
            </div>
            <ByokPanel />
          </div>
          <PowerLevels canEdit={canRouting} refs={refs} />
          <UsageAnalytics />
        </>
      ) : (
        <>
          <ResolverExplainer canTrace={can('routing:trace')} onTrace={() => setTracing(true)} />
          <RoutingSettingsPanel canEdit={canRouting} suggestions={suggestions} />
          <AliasesTable canWrite={canRouting} refs={refs} />
          <FallbackChains canWrite={canRouting} refs={refs} />
          <TraceDrawer
            open={tracing || !!traceStart}
            onClose={() => {
              setTracing(false);
              if (traceStart)
                qs.set({
                  trace: null,
                  traceEndpoint: null,
                  traceStream: null,
                  traceAs: null,
                  traceRequest: null,
                });
            }}
            suggestions={suggestions}
            start={traceStart}
          />
        </>
      )}
      {dialog?.mode === 'create' ? (
        <ProviderDialog
          mode="create"
          onClose={() => setDialog(null)}
          canSetKey={can('providers:credentials')}
          pending={create.isPending}
          submit={async (body, models) => {
            const p = await create.mutateAsync(body);
            await afterSave(p.id, models);
          }}
        />
      ) : null}
      {dialog?.mode === 'edit' ? (
        <ProviderDialog
          key={dialog.provider.id}
          mode="edit"
          provider={dialog.provider}
          existingModels={existingModels}
          onClose={() => setDialog(null)}
          canSetKey={can('providers:credentials')}
          pending={update.isPending}
          submit={async (body, models) => {
            await update.mutateAsync({ id: dialog.provider.id, body });
            await afterSave(dialog.provider.id, models);
          }}
        />
      ) : null}
    </div>
  );
}
