/**
 * Month-end cost forecast from daily costs: the month so far, plus the recent daily rate over what is left of the
 * month. Pure: the clock is passed in; days are UTC calendar days (`YYYY-MM-DD`).
 *
 * The rate is the mean cost of the last `window` whole days before today (7 by default) that fall in the data's
 * reach: days with no traffic count as 0, so a quiet week lowers it. On the month's first day (or with no whole day
 * to look at) the rate is today's cost so far, scaled to a whole day.
 */
export interface DailyCost {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  costUsd: number;
}

export interface MonthForecast {
  /** `YYYY-MM` of the month forecast. */
  month: string;
  /** Spent from the month's first day until now. */
  monthToDateUsd: number;
  /** Expected spend over the whole month at the recent daily rate. */
  projectedUsd: number;
  /** The daily rate the projection uses. */
  dailyRateUsd: number;
  /** How many whole days the rate was taken over (0: today's cost so far, scaled to a day). */
  rateDays: number;
  /** Days of the month left after now (fractional: the rest of today counts). */
  daysLeft: number;
  daysInMonth: number;
}

const DAY_MS = 86_400_000;

const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The start (ms) of the UTC month of `now`, and of the next one. */
export function monthBounds(now: number): { start: number; end: number } {
  const d = new Date(now);
  return {
    start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
    end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
  };
}

/** The first day (ms) a forecast at `now` reads: the month's start or `window` days before today, whichever is earlier. */
export function forecastFrom(now: number, window = 7): number {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  return Math.min(monthBounds(now).start, today - window * DAY_MS);
}

export function forecastMonthEnd(daily: readonly DailyCost[], now: number, window = 7): MonthForecast {
  const { start, end } = monthBounds(now);
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const byDay = new Map<string, number>();
  for (const d of daily) {
    const cost = Number.isFinite(d.costUsd) ? d.costUsd : 0;
    byDay.set(d.day, (byDay.get(d.day) ?? 0) + cost);
  }
  let monthToDate = 0;
  for (const [day, cost] of byDay) {
    const t = Date.parse(`${day}T00:00:00Z`);
    if (t >= start && t <= today) monthToDate += cost;
  }
  const todayCost = byDay.get(isoDay(today)) ?? 0;
  const elapsedToday = (now - today) / DAY_MS;
  let rateDays = 0;
  let sum = 0;
  for (let i = 1; i <= window; i++) {
    sum += byDay.get(isoDay(today - i * DAY_MS)) ?? 0;
    rateDays++;
  }
  // Before the first traffic ever recorded there is nothing to average: take the days from the first one on.
  const first = [...byDay.keys()].sort()[0];
  if (first !== undefined) {
    const firstT = Date.parse(`${first}T00:00:00Z`);
    const whole = Math.max(0, Math.round((today - firstT) / DAY_MS));
    if (whole < rateDays) {
      rateDays = whole;
      sum = 0;
      for (let i = 1; i <= whole; i++) sum += byDay.get(isoDay(today - i * DAY_MS)) ?? 0;
    }
  } else rateDays = 0;
  const dailyRate =
    rateDays > 0 ? sum / rateDays : elapsedToday > 0 ? todayCost / Math.max(elapsedToday, 1 / 24) : 0;
  const daysLeft = (end - now) / DAY_MS;
  const round = (n: number) => Math.round(n * 1e6) / 1e6;
  return {
    month: isoDay(start).slice(0, 7),
    monthToDateUsd: round(monthToDate),
    projectedUsd: round(monthToDate + dailyRate * daysLeft),
    dailyRateUsd: round(dailyRate),
    rateDays,
    daysLeft: Math.round(daysLeft * 100) / 100,
    daysInMonth: Math.round((end - start) / DAY_MS),
  };
}
