import { describe, expect, it } from 'vitest';
import { agentFormDefaults, agentModelNames, createAgentForm, updateAgentForm } from './agent-form';

const filled = {
  agentId: ' coder ',
  name: ' Coder ',
  role: '',
  normalModel: 'chat.default',
  heavyModel: ' mock/mock-small ',
  maxModel: 'precision',
};

describe('agent form', () => {
  it('sends what the API accepts, trimmed', () => {
    expect(createAgentForm.parse(filled)).toEqual({
      agentId: 'coder',
      name: 'Coder',
      role: '',
      normalModel: 'chat.default',
      heavyModel: 'mock/mock-small',
      maxModel: 'precision',
    });
  });

  it('names the field the API would refuse', () => {
    const bad = createAgentForm.safeParse({ ...filled, agentId: 'Not an id', maxModel: '' });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['agentId', 'maxModel']));
  });

  it('edits start from the agent, and the client names follow its id', () => {
    const a = { id: '1', ...createAgentForm.parse(filled), createdAt: '', updatedAt: '' };
    expect(agentFormDefaults(a)).toMatchObject({ agentId: 'coder', heavyModel: 'mock/mock-small' });
    expect(updateAgentForm.parse(agentFormDefaults(a))).toMatchObject({ name: 'Coder' });
    expect(agentModelNames('coder')).toEqual(['agent:coder', 'agent:coder:heavy', 'agent:coder:max']);
  });
});
