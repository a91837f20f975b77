import type { ModelUsage } from './api/types';

/** A model's feedback in the period, for its usage chip: "score 0.75 from 2 ratings"; null when it has none. */
export function ratingsLabel(feedback: ModelUsage['feedback']): string | null {
  if (!feedback || feedback.ratings === 0) return null;
  const mean = Math.round(feedback.meanScore * 100) / 100;
  return `score ${mean} from ${feedback.ratings} rating${feedback.ratings === 1 ? '' : 's'}`;
}
