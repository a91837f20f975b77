import { FileSpreadsheet } from 'lucide-react';
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { downloadCostReport, type CostReportScope } from '../api/cost-report';

/** Downloads the period's cost report (CSV); says so when it fails instead of failing silently. */
export function CostReportButton({ scope, period }: { scope: CostReportScope; period: string }) {
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const run = async () => {
    setState({ busy: true, error: null });
    try {
      await downloadCostReport(scope, period);
      setState({ busy: false, error: null });
    } catch (err) {
      setState({
        busy: false,
        error: err instanceof Error ? err.message : 'The report could not be downloaded.',
      });
    }
  };
  return (
    <span className="inline-flex items-center gap-2">
      <Button variant="subtle" onClick={() => void run()} disabled={state.busy}>
        <FileSpreadsheet aria-hidden className="h-4 w-4" />
        {state.busy ? 'Preparing…' : 'Cost report (CSV)'}
      </Button>
      {state.error ? (
        <span role="alert" className="text-xs text-danger">
          {state.error}
        </span>
      ) : null}
    </span>
  );
}
