import type { ImportAgentsResult } from '@switchyard/core';
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { CheckboxField, TextAreaField } from '../../../components/ui/field';
import { ApiError } from '../../../lib/api-client';
import { useImportAgents } from '../api/import-agents';

const list = (ids: string[]) => (ids.length ? ids.join(', ') : 'none');

/** Paste a model_config.yaml: preview what changes (a dry run), then import it. */
export function ImportAgentsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const imp = useImportAgents();
  const [yaml, setYaml] = useState('');
  const [replace, setReplace] = useState(false);
  const [preview, setPreview] = useState<ImportAgentsResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setYaml('');
    setPreview(null);
    setError(null);
    onClose();
  };
  const run = async (dryRun: boolean) => {
    setError(null);
    try {
      const r = await imp.mutateAsync({ yaml, replace, dryRun });
      if (dryRun) setPreview(r);
      else close();
    } catch (e) {
      setPreview(null);
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <Dialog open={open} onClose={close} title="Import model_config.yaml" wide>
      <div className="grid gap-3">
        <TextAreaField
          label="model_config.yaml"
          value={yaml}
          rows={10}
          className="font-mono"
          onChange={(e) => {
            setYaml(e.target.value);
            setPreview(null);
          }}
          hint="agents: { <id>: { name, role, models: { normal, heavy, max } } }"
        />
        <CheckboxField
          label="Replace: delete the agents the file does not name"
          checked={replace}
          onChange={(e) => {
            setReplace(e.target.checked);
            setPreview(null);
          }}
        />
        {error ? (
          <p role="alert" className="text-sm text-danger">
            {error}
          </p>
        ) : null}
        {preview ? (
          <div className="rounded border border-border p-3 text-sm" data-testid="import-preview">
            <p>Created: {list(preview.created)}</p>
            <p>Updated: {list(preview.updated)}</p>
            <p>Unchanged: {list(preview.unchanged)}</p>
            {replace ? <p>Deleted: {list(preview.deleted)}</p> : null}
          </div>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button variant="subtle" onClick={close}>
            Cancel
          </Button>
          <Button variant="subtle" disabled={!yaml.trim() || imp.isPending} onClick={() => void run(true)}>
            Preview
          </Button>
          <Button disabled={!preview || imp.isPending} onClick={() => void run(false)}>
            Import
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
