/**
 * The LLM area: one route (`/llm/:tab`) with the gateway's configuration and spend as tabs. The pages that used to
 * be siblings (`/providers`, `/models`, `/keys`, `/usage`) redirect to their tab, keeping their query string.
 */
export const LLM_TABS = [
  {
    tab: 'providers',
    label: 'Providers',
    keywords: 'llm providers strategy byok power levels cost usage charts add provider',
  },
  {
    tab: 'models',
    label: 'Models',
    keywords: 'model registry llm enable disable default priority price bulk',
  },
  {
    tab: 'routing',
    label: 'Aliases & routing',
    keywords: 'aliases fallback chains resolver trace routing',
  },
  {
    tab: 'agents',
    label: 'Agents',
    keywords: 'agent configurations model_config.yaml normal heavy max effort role',
  },
  {
    tab: 'experiments',
    label: 'Experiments',
    keywords: 'a/b experiments split variants percent feedback results confidence',
  },
  {
    tab: 'rules',
    label: 'Rules',
    keywords: 'routing rules conditions time window night region header metadata test trace',
  },
  {
    tab: 'keys',
    label: 'Keys',
    keywords: 'provider keys gateway keys api tokens rotate env limits revoke',
  },
  { tab: 'spend', label: 'Spend', keywords: 'usage per user cost tokens export csv spend' },
  {
    tab: 'whatif',
    label: 'What-if',
    keywords: 'what-if simulator replay projected cost savings advice cheaper model',
  },
] as const;

export type LlmTab = (typeof LLM_TABS)[number]['tab'];

export const LLM_BASE = '/llm';

export const llmPath = (tab: LlmTab) => `${LLM_BASE}/${tab}`;

/** Where an old page's address goes now: its tab, with the same query (`/providers?tab=routing` is the routing tab). */
export function legacyLlmTarget(pathname: string, search: string): string | null {
  const params = new URLSearchParams(search);
  let tab: LlmTab | null = null;
  const path = pathname.replace(/\/+$/, '');
  if (path === '/providers') {
    tab = params.get('tab') === 'routing' ? 'routing' : 'providers';
    params.delete('tab');
  } else if (path === '/models') tab = 'models';
  else if (path === '/keys') tab = 'keys';
  else if (path === '/usage') tab = 'spend';
  if (!tab) return null;
  const q = params.toString();
  return q ? `${llmPath(tab)}?${q}` : llmPath(tab);
}
