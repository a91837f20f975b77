import type { CreateAgentBody, UpdateAgentBody } from '@switchyard/core';
import { useId } from 'react';
import { Dialog, FormFooter } from '../../../components/ui/dialog';
import { TextAreaField, TextField } from '../../../components/ui/field';
import { useZodForm } from '../../../lib/zod-form';
import { useModelRefs } from '../../providers/api/get-model-refs';
import { agentFormDefaults, createAgentForm, updateAgentForm } from '../agent-form';
import type { Agent } from '../api/types';

type Props =
  | { agent?: undefined; submit: (b: CreateAgentBody) => Promise<unknown> }
  | { agent: Agent; submit: (b: UpdateAgentBody) => Promise<unknown> };

const MODEL_HINT = 'An alias, a power level (eco, balanced, precision) or a model (provider/model).';

/** Create or edit an agent configuration: id, name, role and the model of each effort. */
export function AgentDialog({
  open,
  onClose,
  pending,
  agent,
  submit,
  names,
}: Props & { open: boolean; onClose: () => void; pending: boolean; names: string[] }) {
  const f = useZodForm(
    agent ? updateAgentForm : createAgentForm,
    agentFormDefaults(agent),
    submit as (b: CreateAgentBody | UpdateAgentBody) => Promise<unknown>,
  );
  const refs = useModelRefs(open);
  const listId = useId();
  const { register } = f;
  const close = () => {
    f.reset(agentFormDefaults(agent));
    onClose();
  };
  const choices = [...names, ...(refs.data ?? []).map((m) => `${m.provider.slug}/${m.modelId}`)];
  return (
    <Dialog
      open={open}
      onClose={close}
      title={agent ? `Edit ${agent.name}` : 'Create an agent'}
      description="Clients name the agent (agent:<id>, agent:<id>:heavy, or the x-switchyard-agent header); it picks the model."
      wide
    >
      <form
        onSubmit={(e) => void f.onSubmit(e)}
        noValidate
        aria-label={agent ? 'Edit agent' : 'New agent'}
        className="grid grid-cols-1 gap-3 sm:grid-cols-2"
      >
        <datalist id={listId}>
          {choices.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        <TextField label="Name" {...register('name')} error={f.err('name')} data-autofocus />
        <TextField
          label="Agent ID"
          {...register('agentId')}
          error={f.err('agentId')}
          hint="Lower-case letters, digits, - and _: what clients send."
        />
        <TextAreaField
          label="Role"
          {...register('role')}
          maxLength={500}
          error={f.err('role')}
          className="sm:col-span-2"
        />
        <TextField
          label="Normal model"
          list={listId}
          {...register('normalModel')}
          error={f.err('normalModel')}
          hint={MODEL_HINT}
        />
        <TextField
          label="Heavy model"
          list={listId}
          {...register('heavyModel')}
          error={f.err('heavyModel')}
        />
        <TextField label="Max model" list={listId} {...register('maxModel')} error={f.err('maxModel')} />
        <FormFooter
          error={f.formError}
          onCancel={close}
          pending={pending}
          submitLabel={agent ? 'Save changes' : 'Create agent'}
        />
      </form>
    </Dialog>
  );
}
