import { FlaskConical, RefreshCw, Trash2 } from 'lucide-react';
import { OnOffAction, RowAction } from '../../../components/ui/table';

/**
 * A stored provider key's row actions (a user's own BYOK key, an organization's key): test it, turn it off or on,
 * replace it (`replaceText`: "Rotate" or "Replace"), delete it.
 */
export function KeyRowActions({
  name,
  testing,
  onTest,
  off,
  statusPending,
  onStatus,
  replaceText,
  onReplace,
  onDelete,
}: {
  /** The provider's name, in each action's label ("Test OpenAI key"). */
  name: string;
  testing: boolean;
  onTest: () => void;
  off: boolean;
  statusPending: boolean;
  onStatus: (status: 'active' | 'disabled') => void;
  replaceText: 'Rotate' | 'Replace';
  onReplace: () => void;
  onDelete: () => void;
}) {
  return (
    <>
      <RowAction
        icon={FlaskConical}
        text={testing ? 'Testing…' : 'Test'}
        label={`Test ${name} key`}
        disabled={testing}
        onClick={onTest}
        showText
      />
      <OnOffAction off={off} name={`${name} key`} pending={statusPending} onChange={onStatus} />
      <RowAction
        icon={RefreshCw}
        text={replaceText}
        label={`${replaceText} ${name} key`}
        onClick={onReplace}
        showText
      />
      <RowAction
        icon={Trash2}
        text="Delete"
        label={`Delete ${name} key`}
        onClick={onDelete}
        danger
        showText
      />
    </>
  );
}
