import { Check, Copy } from 'lucide-react';
import { useState } from 'react';
import { Button } from './button';

/** Copies `value` to the clipboard; says so for two seconds. Falls back to selecting text when the clipboard is refused. */
export function CopyButton({
  value,
  label = 'Copy',
  onCopied,
}: {
  value: string;
  label?: string;
  onCopied?: () => void;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
      onCopied?.();
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 2000);
  };
  return (
    <Button type="button" variant="subtle" onClick={() => void copy()} aria-live="polite">
      {state === 'copied' ? (
        <Check aria-hidden className="h-4 w-4 text-ok" />
      ) : (
        <Copy aria-hidden className="h-4 w-4" />
      )}
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select the text' : label}
    </Button>
  );
}
