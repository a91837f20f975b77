import { GOOD_SCORE } from '@switchyard/core';

/** The rating filter's choices (the API's `rating`): any score, the bad ones, the good ones. */
export function RatingOptions() {
  return (
    <>
      <option value="">Any</option>
      <option value="bad">Bad (under {GOOD_SCORE})</option>
      <option value="good">Good ({GOOD_SCORE} or more)</option>
    </>
  );
}
