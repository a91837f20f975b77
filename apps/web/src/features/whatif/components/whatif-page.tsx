import type { WhatIfResult } from '@switchyard/core';
import { Play, Plus, X } from 'lucide-react';
import { useMemo, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { SelectField, TextField } from '../../../components/ui/field';
import { PageHeader } from '../../../components/ui/page';
import { Stat } from '../../../components/ui/stat';
import { ErrorState } from '../../../components/ui/states';
import { formatNumber, formatUsd } from '../../../lib/format';
import { AdministeredOrgPage, useAdministeredOrg } from '../../org-usage/components/administered-org';
import { useModelRefs } from '../../providers/api/get-model-refs';
import { useAliases } from '../../providers/api/get-aliases';
import { useProviders } from '../../providers/api/get-providers';
import type { Alias } from '../../providers/api/types';
import { useRules } from '../../rules/api/get-rules';
import { useRunWhatIf } from '../api/run-whatif';
import { useWhatIfAliases } from '../api/get-whatif-aliases';
import {
  bodyOf,
  formErrors,
  formFromSearch,
  signedUsd,
  toggleRule,
  type AliasStrategy,
  type Strategy,
  type Tier,
  type WhatIfForm,
  type WhatIfRule,
} from '../whatif-form';
import { SavingsCard } from './savings-card';

const STRATEGIES: Strategy[] = ['cost', 'balanced', 'quality'];
const ALIAS_STRATEGIES: AliasStrategy[] = [
  'ordered',
  'round-robin',
  'weighted',
  'quota-aware',
  'least-busy',
  'latency',
];
const TIERS: Tier[] = ['eco', 'balanced', 'precision'];

/**
 * The what-if simulator for operators: a range of recorded traffic and a candidate change, replayed through
 * routing; the projection beside what really happened, every organization's. Nothing is saved.
 */
export function WhatIfPage() {
  const providers = useProviders();
  const models = useModelRefs();
  const aliases = useAliases();
  const storedRules = useRules();
  const rules: WhatIfRule[] = useMemo(() => storedRules.data ?? [], [storedRules.data]);
  const refs = useMemo(() => (models.data ?? []).map((m) => m.ref).sort(), [models.data]);
  return (
    <WhatIfWorkbench
      refs={refs}
      providers={providers.data ?? []}
      aliases={aliases.data ?? []}
      rules={rules}
    />
  );
}

const NO_RULES: WhatIfRule[] = [];

/**
 * The what-if simulator for an organization's owners and admins: its requests only (the `org` query parameter,
 * the first organization administered when absent), under the changes an organization may try (strategy,
 * disabled or replaced models, power levels, its own aliases; no providers or routing rules), with its savings
 * advice.
 */
export function OrgWhatIfPage() {
  const state = useAdministeredOrg();
  const models = useModelRefs();
  // The global registry's models (an organization's own are named by registry id, not offered here).
  const refs = useMemo(
    () =>
      (models.data ?? [])
        .filter((m) => m.scope === 'global')
        .map((m) => m.ref)
        .sort(),
    [models.data],
  );
  return (
    <div className="flex flex-col gap-4">
      <PageHeader
        title="Organization what-if"
        description="Replay the requests of an organization you own or administer under a change, and see what cheaper models would save it. Only its own requests are read."
      />
      <AdministeredOrgPage state={state} label="Organization">
        {(org) => <OrgWorkbench key={org.id} orgId={org.id} refs={refs} />}
      </AdministeredOrgPage>
    </div>
  );
}

/** One organization's workbench: the aliases that apply to its requests come from its own list. */
function OrgWorkbench({ orgId, refs }: { orgId: string; refs: readonly string[] }) {
  const aliases = useWhatIfAliases(orgId);
  return (
    <WhatIfWorkbench
      orgId={orgId}
      refs={refs}
      providers={null}
      aliases={aliases.data ?? []}
      rules={NO_RULES}
    />
  );
}

/**
 * The form, the results and the savings advice. `orgId`: one organization's traffic, whose admins may change only
 * its own aliases (the global ones are listed, not offered); `providers` null: that part of the change is not
 * offered (an organization's admin may not try it).
 */
function WhatIfWorkbench({
  orgId,
  refs,
  providers,
  aliases,
  rules,
}: {
  orgId?: string;
  refs: readonly string[];
  providers: readonly { id: string; slug: string }[] | null;
  aliases: readonly Alias[] | null;
  rules: readonly WhatIfRule[];
}) {
  const [search] = useSearchParams();
  const [form, setForm] = useState<WhatIfForm>(() => formFromSearch(Date.now(), search));
  const rulesOn = form.rulesOn ?? rules.filter((r) => r.enabled).map((r) => r.id);
  const run = useRunWhatIf();
  const errors = formErrors(form);
  const set = <K extends keyof WhatIfForm>(k: K, v: WhatIfForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const refOptions = (
    <>
      <option value="">—</option>
      {refs.map((r) => (
        <option key={r} value={r}>
          {r}
        </option>
      ))}
    </>
  );
  const pickAlias = (key: string) => {
    const a = (aliases ?? []).find((x) => `${x.scope}|${x.name}` === key);
    setForm((f) => ({
      ...f,
      alias: key,
      aliasStrategy: '',
      aliasTargets: a ? a.targets.map((t) => ({ ref: t.ref, weight: String(t.weight) })) : [],
    }));
  };

  return (
    <div className="flex flex-col gap-4">
      <Card className="hover:border-border">
        <form
          aria-label="What-if"
          className="flex flex-col gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            if (Object.keys(errors).length === 0) run.mutate(bodyOf(form, rules, orgId));
          }}
        >
          <div>
            <h2 className="font-medium">What if…</h2>
            <p className="text-xs text-muted">
              Replays the answered requests of the range{orgId ? " (this organization's only)" : ''} through
              routing with the change below, beside what really happened. Callers, keys and allowed models are
              taken as they are now; live state (cooldowns, circuits, rate limits, budgets) is not replayed.
              Nothing is saved.
            </p>
          </div>
          <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
            <TextField
              label="From"
              type="date"
              value={form.from}
              error={errors.from}
              onChange={(e) => set('from', e.target.value)}
            />
            <TextField
              label="To (included)"
              type="date"
              value={form.to}
              error={errors.to}
              onChange={(e) => set('to', e.target.value)}
            />
            <SelectField
              label={orgId ? 'Strategy for its requests' : 'Global strategy'}
              value={form.strategy}
              onChange={(e) => set('strategy', e.target.value as Strategy | '')}
            >
              <UnchangedOr values={STRATEGIES} />
            </SelectField>
            <SelectField
              label="Disable a model"
              value={form.disableModel}
              onChange={(e) => set('disableModel', e.target.value)}
            >
              {refOptions}
            </SelectField>
          </div>
          {providers ? (
            <fieldset className="flex flex-col gap-1">
              <legend className="text-sm font-medium">Disable providers</legend>
              <div className="flex flex-wrap gap-x-4 gap-y-1">
                {providers.map((p) => (
                  <label key={p.id} className="flex items-center gap-1.5 text-sm">
                    <input
                      type="checkbox"
                      checked={form.disableProviders.includes(p.slug)}
                      onChange={(e) =>
                        set(
                          'disableProviders',
                          e.target.checked
                            ? [...form.disableProviders, p.slug]
                            : form.disableProviders.filter((s) => s !== p.slug),
                        )
                      }
                    />
                    {p.slug}
                  </label>
                ))}
              </div>
            </fieldset>
          ) : null}
          {rules.length > 0 ? (
            <fieldset className="flex flex-col gap-1">
              <legend className="text-sm font-medium">Routing rules on</legend>
              <div className="flex flex-wrap gap-x-4 gap-y-1">
                {rules.map((r) => (
                  <label key={r.id} className="flex items-center gap-1.5 text-sm">
                    <input
                      type="checkbox"
                      checked={rulesOn.includes(r.id)}
                      onChange={(e) => set('rulesOn', toggleRule(form, rules, r.id, e.target.checked))}
                    />
                    {r.name}
                  </label>
                ))}
              </div>
            </fieldset>
          ) : null}
          <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
            <SelectField
              label="Route this model…"
              value={form.replaceFrom}
              onChange={(e) => set('replaceFrom', e.target.value)}
            >
              {refOptions}
            </SelectField>
            <SelectField
              label="…to this one"
              value={form.replaceTo}
              error={errors.replaceTo}
              onChange={(e) => set('replaceTo', e.target.value)}
            >
              {refOptions}
            </SelectField>
          </div>
          {aliases ? (
            <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
              <SelectField label="Alias" value={form.alias} onChange={(e) => pickAlias(e.target.value)}>
                <option value="">Unchanged</option>
                {aliases.map((a) => {
                  // An organization's admin changes only its own aliases: the global ones route its requests
                  // too, but only operators change them.
                  const fixed = orgId !== undefined && a.scope !== `org:${orgId}`;
                  return (
                    <option key={a.id} value={`${a.scope}|${a.name}`} disabled={fixed}>
                      {a.name}
                      {fixed ? ' (global: operators change it)' : a.orgName ? ` (${a.orgName})` : ''}
                    </option>
                  );
                })}
              </SelectField>
              {form.alias ? (
                <SelectField
                  label="Alias strategy"
                  value={form.aliasStrategy}
                  onChange={(e) => set('aliasStrategy', e.target.value as AliasStrategy | '')}
                >
                  <UnchangedOr values={ALIAS_STRATEGIES} />
                </SelectField>
              ) : null}
            </div>
          ) : null}
          {aliases && form.alias ? (
            <fieldset className="flex flex-col gap-2">
              <legend className="text-sm font-medium">Alias targets and weights</legend>
              {form.aliasTargets.map((t, i) => (
                <div key={i} className="flex items-end gap-2">
                  <SelectField
                    label={`Target ${i + 1}`}
                    className="flex-1"
                    value={t.ref}
                    onChange={(e) =>
                      set(
                        'aliasTargets',
                        form.aliasTargets.map((x, j) => (j === i ? { ...x, ref: e.target.value } : x)),
                      )
                    }
                  >
                    {refOptions}
                  </SelectField>
                  <TextField
                    label="Weight"
                    className="w-24"
                    inputMode="decimal"
                    value={t.weight}
                    onChange={(e) =>
                      set(
                        'aliasTargets',
                        form.aliasTargets.map((x, j) => (j === i ? { ...x, weight: e.target.value } : x)),
                      )
                    }
                  />
                  <Button
                    type="button"
                    variant="ghost"
                    aria-label={`Remove target ${i + 1}`}
                    onClick={() =>
                      set(
                        'aliasTargets',
                        form.aliasTargets.filter((_, j) => j !== i),
                      )
                    }
                  >
                    <X aria-hidden className="h-4 w-4" />
                  </Button>
                </div>
              ))}
              {errors.aliasTargets ? <p className="text-xs text-danger">{errors.aliasTargets}</p> : null}
              <Button
                type="button"
                variant="subtle"
                className="self-start"
                onClick={() => set('aliasTargets', [...form.aliasTargets, { ref: '', weight: '1' }])}
              >
                <Plus aria-hidden className="h-4 w-4" /> Add target
              </Button>
            </fieldset>
          ) : null}
          <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
            <SelectField
              label="Power level"
              value={form.powerLevel}
              onChange={(e) => set('powerLevel', e.target.value as Tier | '')}
            >
              <UnchangedOr values={TIERS} />
            </SelectField>
            {form.powerLevel ? (
              <>
                <SelectField
                  label="Draws from tier"
                  value={form.powerLevelTier}
                  onChange={(e) => set('powerLevelTier', e.target.value as Tier | '')}
                >
                  <UnchangedOr values={TIERS} />
                </SelectField>
                <SelectField
                  label="Tried first"
                  value={form.powerLevelRefs[0] ?? ''}
                  onChange={(e) => set('powerLevelRefs', e.target.value ? [e.target.value] : [])}
                >
                  {refOptions}
                </SelectField>
              </>
            ) : null}
          </div>
          <div className="flex items-center gap-3">
            <Button type="submit" disabled={run.isPending || Object.keys(errors).length > 0}>
              <Play aria-hidden className="h-4 w-4" /> {run.isPending ? 'Replaying…' : 'Run what-if'}
            </Button>
          </div>
        </form>
      </Card>
      {run.isError ? <ErrorState error={run.error} /> : null}
      {run.data ? <WhatIfResults r={run.data} /> : null}
      <SavingsCard {...(orgId ? { orgId } : {})} />
    </div>
  );
}

function MixTable({
  label,
  rows,
}: {
  label: string;
  rows: { key: string; name: string; requests: number; costUsd: number }[];
}) {
  return (
    <table aria-label={label} className="w-full text-sm">
      <thead>
        <tr className="text-left text-xs uppercase tracking-wide text-muted">
          <th className="py-1 font-medium">{label}</th>
          <th className="py-1 text-right font-medium">Requests</th>
          <th className="py-1 text-right font-medium">Cost</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-border">
        {rows.map((r) => (
          <tr key={r.key}>
            <td className="max-w-64 truncate py-1.5">{r.name}</td>
            <td className="py-1.5 text-right tabular-nums">{formatNumber(r.requests)}</td>
            <td className="py-1.5 text-right tabular-nums">{formatUsd(r.costUsd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card className="hover:border-border">
      <h3 className="mb-2 font-medium">{title}</h3>
      {children}
    </Card>
  );
}

function WhatIfResults({ r }: { r: WhatIfResult }) {
  const diff = r.projected.costUsd - r.actual.costUsd;
  const models = (side: WhatIfResult['actual']) =>
    side.models.map((m) => ({ key: m.ref, name: m.ref, requests: m.requests, costUsd: m.costUsd }));
  const providers = (side: WhatIfResult['actual']) =>
    side.providers.map((p) => ({
      key: p.providerId ?? '',
      name: p.slug ?? '—',
      requests: p.requests,
      costUsd: p.costUsd,
    }));
  return (
    <section aria-label="What-if results" className="flex flex-col gap-4" data-testid="whatif-results">
      {r.truncated ? (
        <p className="text-sm text-warning">
          The replay stopped at its time limit: the figures cover the first {formatNumber(r.requests)}{' '}
          requests.
        </p>
      ) : null}
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-5">
        <Stat
          label="Requests replayed"
          value={formatNumber(r.requests)}
          testId="whatif-requests"
          hint={`in ${formatNumber(r.elapsedMs)} ms`}
        />
        <Stat
          label="Actual cost"
          value={formatUsd(r.actual.costUsd)}
          testId="whatif-actual"
          hint={`current config replayed: ${formatUsd(r.current.costUsd)}`}
        />
        <Stat
          label="Projected cost"
          value={formatUsd(r.projected.costUsd)}
          testId="whatif-projected"
          hint={signedUsd(diff, (n) => formatUsd(n))}
        />
        <Stat label="Change target" value={formatNumber(r.changed)} testId="whatif-changed" />
        <Stat label="Unroutable" value={formatNumber(r.unroutable.count)} testId="whatif-unroutable" />
      </div>
      {r.unroutable.reasons.length > 0 ? (
        <Section title="Unroutable, by reason">
          <ul className="flex flex-col gap-1 text-sm">
            {r.unroutable.reasons.map((x) => (
              <li key={x.code}>
                <code className="text-xs">{x.code}</code> · {formatNumber(x.count)} —{' '}
                <span className="text-muted">{x.example}</span>
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Section title="Model mix: what happened">
          <MixTable label="Model (actual)" rows={models(r.actual)} />
        </Section>
        <Section title="Model mix: projected">
          <MixTable label="Model (projected)" rows={models(r.projected)} />
        </Section>
        <Section title="Provider mix: what happened">
          <MixTable label="Provider (actual)" rows={providers(r.actual)} />
        </Section>
        <Section title="Provider mix: projected">
          <MixTable label="Provider (projected)" rows={providers(r.projected)} />
        </Section>
      </div>
      <Section title="Per organization">
        <table aria-label="Per organization" className="w-full text-sm">
          <thead>
            <tr className="text-left text-xs uppercase tracking-wide text-muted">
              <th className="py-1 font-medium">Organization</th>
              <th className="py-1 text-right font-medium">Requests</th>
              <th className="py-1 text-right font-medium">Actual</th>
              <th className="py-1 text-right font-medium">Projected</th>
              <th className="py-1 text-right font-medium">Changed</th>
              <th className="py-1 text-right font-medium">Unroutable</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-border">
            {r.byOrg.map((o) => (
              <tr key={o.orgId ?? ''}>
                <td className="py-1.5">{o.name}</td>
                <td className="py-1.5 text-right tabular-nums">{formatNumber(o.requests)}</td>
                <td className="py-1.5 text-right tabular-nums">{formatUsd(o.actualUsd)}</td>
                <td className="py-1.5 text-right tabular-nums">{formatUsd(o.projectedUsd)}</td>
                <td className="py-1.5 text-right tabular-nums">{formatNumber(o.changed)}</td>
                <td className="py-1.5 text-right tabular-nums">{formatNumber(o.unroutable)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      {r.samples.length > 0 ? (
        <Section title="Examples of requests that change">
          <table aria-label="Examples" className="w-full text-sm">
            <thead>
              <tr className="text-left text-xs uppercase tracking-wide text-muted">
                <th className="py-1 font-medium">When</th>
                <th className="py-1 font-medium">Asked for</th>
                <th className="py-1 font-medium">Answered by</th>
                <th className="py-1 font-medium">Projected</th>
                <th className="py-1 text-right font-medium">Cost</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-border">
              {r.samples.map((s) => (
                <tr key={s.id}>
                  <td className="py-1.5 tabular-nums">{s.at.slice(0, 16).replace('T', ' ')}</td>
                  <td className="py-1.5">{s.requestedModel}</td>
                  <td className="py-1.5">{s.actual}</td>
                  <td className="py-1.5">
                    {s.projected ?? <span className="text-danger">unroutable ({s.reason})</span>}
                  </td>
                  <td className="py-1.5 text-right tabular-nums">
                    {formatUsd(s.actualUsd)} → {formatUsd(s.projectedUsd)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      ) : null}
    </section>
  );
}

/** A select's choices: "Unchanged" (empty), then each value as its own label. */
function UnchangedOr({ values }: { values: readonly string[] }) {
  return (
    <>
      <option value="">Unchanged</option>
      {values.map((v) => (
        <option key={v} value={v}>
          {v}
        </option>
      ))}
    </>
  );
}
