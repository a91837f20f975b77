import { useOutletContext } from 'react-router';
import { GatewayKeysPage } from '../../keys/components/gateway-keys-page';
import type { LlmOutlet } from './llm-layout';
import { ProviderKeys } from './provider-keys';

/** The Keys tab: the keys the gateway pays providers with, then the gateway keys clients call it with. */
export function LlmKeysTab() {
  const { openKeyWizard } = useOutletContext<LlmOutlet>();
  return (
    <div className="flex min-w-0 flex-col gap-6">
      <ProviderKeys onRotate={openKeyWizard ? (p) => openKeyWizard(p.id) : null} />
      <GatewayKeysPage />
    </div>
  );
}
