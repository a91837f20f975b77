import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DeadLetterNotice } from './dead-letter-notice';

describe('requests whose usage records the database refused (dead letters)', () => {
  it('are said apart from the charts: how many, what they cost, and that budgets count them', () => {
    render(
      <DeadLetterNotice
        deadLetters={{ records: 3, costUsd: 0.42, savedUsd: 0, unreadable: 0, truncated: false }}
      />,
    );
    const notice = screen.getByRole('status');
    expect(notice).toHaveTextContent(/3 requests costing \$0\.42 are not in these charts or totals/);
    expect(notice).toHaveTextContent(/dead letter/);
    expect(notice).toHaveTextContent(/Budgets count them/);
  });

  it('say what BYOK keys paid and how many records cannot be read back', () => {
    render(
      <DeadLetterNotice
        deadLetters={{ records: 1, costUsd: 0, savedUsd: 0.1, unreadable: 1, truncated: false }}
      />,
    );
    expect(screen.getByRole('status')).toHaveTextContent(
      /1 request costing \$0(\.00)? \(and \$0\.10 on BYOK keys\) \(1 record of unknown cost\) is not in these charts/,
    );
  });

  it('say the figures are a lower bound when there were more than a page reads', () => {
    render(
      <DeadLetterNotice
        deadLetters={{ records: 1000, costUsd: 2, savedUsd: 0, unreadable: 0, truncated: true }}
      />,
    );
    const notice = screen.getByRole('status');
    expect(notice).toHaveTextContent(
      /At least 1,?000 requests costing at least \$2\.00 are not in these charts/,
    );
    expect(notice).toHaveTextContent(/only the newest were counted/);
  });

  it('show nothing when there are none', () => {
    const { container } = render(
      <DeadLetterNotice
        deadLetters={{ records: 0, costUsd: 0, savedUsd: 0, unreadable: 0, truncated: false }}
      />,
    );
    expect(container).toBeEmptyDOMElement();
  });
});
