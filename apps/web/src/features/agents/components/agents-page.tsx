import { Bot, Download, Pencil, Trash2, Upload } from 'lucide-react';
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { ConfirmActionDialog } from '../../../components/ui/dialog';
import { DataTable, type ListColumn } from '../../../components/ui/data-table';
import { PageHeader, ReadOnlyNote } from '../../../components/ui/page';
import { RowAction } from '../../../components/ui/table';
import { useCan } from '../../auth/use-can';
import { useAliases } from '../../providers/api/get-aliases';
import { usePowerLevels } from '../../providers/api/get-power-levels';
import { agentModelNames } from '../agent-form';
import { useCreateAgent } from '../api/create-agent';
import { useDeleteAgent } from '../api/delete-agent';
import { downloadAgentsYaml } from '../api/export-agents';
import { useAgents } from '../api/get-agents';
import type { Agent } from '../api/types';
import { useUpdateAgent } from '../api/update-agent';
import { AgentDialog } from './agent-dialog';
import { ImportAgentsDialog } from './import-agents-dialog';

const code = (s: string) => <code className="text-xs">{s}</code>;

/** Agent configurations (seed 002): Name, Agent ID, Role, Normal / Heavy / Max model; admins edit, import, export. */
export function AgentsPage() {
  const can = useCan();
  const canWrite = can('routing:write');
  const agents = useAgents();
  const aliases = useAliases();
  const levels = usePowerLevels();
  const create = useCreateAgent();
  const update = useUpdateAgent();
  const remove = useDeleteAgent();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Agent | null>(null);
  const [deleting, setDeleting] = useState<Agent | null>(null);
  const [importing, setImporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const names = [...(aliases.data ?? []).map((a) => a.name), ...(levels.data ?? []).map((l) => l.slug)];
  const columns: ListColumn<Agent>[] = [
    { id: 'name', header: 'Name', cell: (a) => <span className="font-medium">{a.name}</span> },
    {
      id: 'agentId',
      header: 'Agent ID',
      cell: (a) => (
        <span title={`Clients send ${agentModelNames(a.agentId).join(', ')}`}>{code(a.agentId)}</span>
      ),
    },
    {
      id: 'role',
      header: 'Role',
      priority: 'md',
      truncate: (a) => a.role,
      cell: (a) => a.role || <span className="text-muted">—</span>,
    },
    { id: 'normal', header: 'Normal model', cell: (a) => code(a.normalModel) },
    { id: 'heavy', header: 'Heavy model', priority: 'md', cell: (a) => code(a.heavyModel) },
    { id: 'max', header: 'Max model', priority: 'md', cell: (a) => code(a.maxModel) },
  ];
  return (
    <div>
      <PageHeader
        title="Agents"
        description="Named agents with a role and a model for each effort. Clients call agent:<id>, agent:<id>:heavy or agent:<id>:max, or send the x-switchyard-agent and x-switchyard-effort headers."
        actions={
          <>
            <Button
              variant="subtle"
              onClick={() => {
                setExportError(null);
                downloadAgentsYaml().catch((e: unknown) =>
                  setExportError(e instanceof Error ? e.message : 'The file could not be downloaded.'),
                );
              }}
            >
              <Download aria-hidden className="h-4 w-4" /> Export YAML
            </Button>
            {canWrite ? (
              <>
                <Button variant="subtle" onClick={() => setImporting(true)}>
                  <Upload aria-hidden className="h-4 w-4" /> Import YAML
                </Button>
                <Button onClick={() => setCreating(true)}>
                  <Bot aria-hidden className="h-4 w-4" /> Create agent
                </Button>
              </>
            ) : null}
          </>
        }
      />
      {exportError ? (
        <p role="alert" className="mb-3 text-sm text-danger">
          {exportError}
        </p>
      ) : null}
      {!canWrite ? (
        <ReadOnlyNote>Read-only: your role can see agents but not change them.</ReadOnlyNote>
      ) : null}
      <DataTable
        label="Agents"
        columns={columns}
        rows={agents.data ?? []}
        rowKey={(a) => a.id}
        rowTestId="agent-row"
        loading={agents.isPending}
        error={agents.isError ? agents.error : null}
        onRetry={() => void agents.refetch()}
        empty={{
          title: 'No agents yet.',
          hint: canWrite ? 'Create an agent, or import a model_config.yaml.' : undefined,
        }}
        actions={
          canWrite
            ? (a) => (
                <>
                  <RowAction
                    icon={Pencil}
                    text="Edit"
                    label={`Edit ${a.name}`}
                    onClick={() => setEditing(a)}
                  />
                  <RowAction
                    icon={Trash2}
                    text="Delete"
                    label={`Delete ${a.name}`}
                    onClick={() => setDeleting(a)}
                    danger
                  />
                </>
              )
            : undefined
        }
      />
      {canWrite ? (
        <>
          <AgentDialog
            open={creating}
            names={names}
            onClose={() => setCreating(false)}
            pending={create.isPending}
            submit={async (body) => {
              await create.mutateAsync(body);
              setCreating(false);
            }}
          />
          {editing ? (
            <AgentDialog
              open
              agent={editing}
              names={names}
              onClose={() => setEditing(null)}
              pending={update.isPending}
              submit={async (body) => {
                await update.mutateAsync({ id: editing.id, body });
                setEditing(null);
              }}
            />
          ) : null}
          <ImportAgentsDialog open={importing} onClose={() => setImporting(false)} />
          <ConfirmActionDialog
            target={deleting}
            onClose={() => setDeleting(null)}
            mutation={remove}
            variables={(t) => t.id}
            title="Delete this agent?"
            body={
              deleting ? (
                <p>
                  Clients that call <strong>agent:{deleting.agentId}</strong> get a 404 until it exists again.
                </p>
              ) : null
            }
            confirmLabel="Delete agent"
            pendingLabel="Deleting…"
          />
        </>
      ) : null}
    </div>
  );
}
