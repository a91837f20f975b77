import { env } from '../../../config/env';
import { parseError } from '../../../lib/api-client';
import { saveBlob } from '../../usage/api/export-usage';

/** GET /llm/agents/export: every agent as model_config.yaml, saved as a file. Not a query: a download is an action. */
export async function downloadAgentsYaml(): Promise<void> {
  const res = await fetch(`${env.VITE_API_BASE}/api/v1/llm/agents/export`, {
    headers: { accept: 'application/yaml' },
    credentials: 'same-origin',
  });
  if (!res.ok) throw await parseError(res);
  saveBlob(await res.blob(), 'model_config.yaml');
}
