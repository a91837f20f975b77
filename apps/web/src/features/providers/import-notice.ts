/** What an import of discovered models did, in one sentence (unpriced ones are named: they are out of power levels). */
export function importNotice(r: {
  added: { modelId: string; priced: boolean }[];
  alreadyPresent: string[];
}): string {
  const unpriced = r.added.filter((m) => !m.priced).map((m) => m.modelId);
  const n = r.added.length;
  const parts = [
    `${n} model${n === 1 ? '' : 's'} added to the registry${r.alreadyPresent.length ? ` (${r.alreadyPresent.length} already there)` : ''}.`,
  ];
  if (unpriced.length)
    parts.push(
      `No known price for ${unpriced.join(', ')}: ${unpriced.length === 1 ? 'it stays' : 'they stay'} out of power-level routing until priced on the Models page.`,
    );
  return parts.join(' ');
}

/** How the dialog's checklist shows a discovered model's catalogue price. */
export function catalogueHint(
  price: { priceInputPer1M: number | null; priceOutputPer1M: number | null } | undefined,
): string {
  if (!price || price.priceInputPer1M === null)
    return 'no known price: out of power-level routing until priced';
  return `$${price.priceInputPer1M} in / $${price.priceOutputPer1M ?? 0} out per 1M`;
}
