import type { PowerLevel } from './api/types';

/** What each tier is for (the tier's price band decides what its models are good at). */
const USE_CASES: Record<string, readonly string[]> = {
  eco: ['High-volume tasks', 'Simple queries', 'Cost-effective'],
  balanced: ['General purpose use', 'Moderate complexity', 'Best value'],
  precision: ['Complex reasoning', 'High accuracy', 'Premium quality'],
};

/**
 * A power level's card bullets, from its configuration: what its tier is for, which models it tries first (its
 * own choice, else the tier ordered by the routing strategy), how many models serve it now, and whether users
 * may pick it.
 */
export function powerLevelFeatures(level: PowerLevel): string[] {
  const out = [...(USE_CASES[level.tier] ?? [])];
  out.push(`Draws on ${level.tier}-tier models`);
  if (level.modelRefs.length) {
    const first = level.modelRefs.slice(0, 2).join(', ');
    const more = level.modelRefs.length > 2 ? ` and ${level.modelRefs.length - 2} more` : '';
    out.push(`Tries ${first}${more} first, then the rest of the tier`);
  } else out.push('Tries the whole tier, in the routing strategy’s order');
  const primary = level.models.filter((m) => !m.isFallback).length;
  const fallback = level.models.length - primary;
  if (level.models.length)
    out.push(
      `${primary} model${primary === 1 ? '' : 's'} first${fallback ? `, ${fallback} as fallback` : ''} right now`,
    );
  out.push(
    level.enabled
      ? `Users pick it as "${level.slug}" (or "auto" with it as their level)`
      : 'Disabled: its chosen models are not used',
  );
  return out;
}
