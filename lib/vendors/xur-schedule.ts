/**
 * Xûr's weekly timetable. Bungie runs it on UTC: he arrives Friday 17:00 UTC and leaves at the weekly reset,
 * Tuesday 17:00 UTC. Everything here is UTC arithmetic on epoch milliseconds, so the player's time zone and its
 * daylight-saving switches never move the result.
 */

/** Xûr, Agent of the Nine (DestinyVendorDefinition hash). */
export const XUR_VENDOR_HASH = 2190858386;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** Friday, 0 = Sunday as in Date#getUTCDay. */
const ARRIVAL_DAY = 5;
/** Tuesday: the weekly reset. */
const DEPARTURE_DAY = 2;
const CHANGE_HOUR_UTC = 17;

/** The most recent `weekday` at 17:00 UTC that is at or before `now`. */
function latestWeekly(now: number, weekday: number): number {
  const d = new Date(now);
  const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const daysBack = (d.getUTCDay() - weekday + 7) % 7;
  const candidate = midnight - daysBack * DAY + CHANGE_HOUR_UTC * HOUR;
  return candidate <= now ? candidate : candidate - WEEK;
}

/**
 * Bungie: Xûr arrives Friday 17:00 UTC. The first arrival strictly after `now` (at 17:00:00.000 itself he is
 * already here, so the next arrival is a week later).
 */
export function nextXurArrival(now: number): number {
  return latestWeekly(now, ARRIVAL_DAY) + WEEK;
}

/** Bungie: Xûr leaves at the weekly reset, Tuesday 17:00 UTC. The first departure strictly after `now`. */
export function nextXurDeparture(now: number): number {
  return latestWeekly(now, DEPARTURE_DAY) + WEEK;
}

/** Bungie: Xûr is scheduled to be present from Friday 17:00 UTC (inclusive) to Tuesday 17:00 UTC (exclusive). */
export function isXurScheduled(now: number): boolean {
  return latestWeekly(now, ARRIVAL_DAY) > latestWeekly(now, DEPARTURE_DAY);
}

/** A visit: Friday 17:00 UTC arrival, Tuesday 17:00 UTC departure, named by the arrival date (`2026-07-03`). */
export interface XurVisit {
  id: string;
  arrivesAt: number;
  departsAt: number;
}

function visitFrom(arrivesAt: number): XurVisit {
  return { id: new Date(arrivesAt).toISOString().slice(0, 10), arrivesAt, departsAt: arrivesAt + 4 * DAY };
}

/**
 * The visit a "Xûr is here" answer from Bungie at `now` belongs to. Inside Friday 17:00 → Tuesday 17:00 UTC that is
 * the current visit. Outside it (Bungie a little early or late, or a skewed clock) it is whichever visit is nearer
 * in time: a late answer on Tuesday evening stays with the visit just ended (so it is not announced twice), an early
 * one on Friday morning already belongs to the coming visit.
 */
export function xurVisitAt(now: number): XurVisit {
  const lastArrival = latestWeekly(now, ARRIVAL_DAY);
  const last = visitFrom(lastArrival);
  if (now < last.departsAt) return last;
  const next = visitFrom(lastArrival + WEEK);
  return now - last.departsAt <= next.arrivesAt - now ? last : next;
}

/** How far past the weekly reset a `nextRefreshDate` may lie and still be read as the end of this visit. */
const DEPARTURE_TOLERANCE = DAY;

/**
 * When Xûr leaves, for a "he is here" answer Bungie gave at server time `serverNow`: his vendor's `nextRefreshDate`
 * when it can be the end of this visit (after `serverNow`, and at most a day past the next weekly reset), else the
 * weekly reset itself. Bungie has sent dates that are not his departure: both real captures (a Sunday of the 2022
 * visit and a Monday of the 2026 one) say the Friday after at 09:00 UTC, days after he left, and
 * Bungie-net/api#1547 reports it moving daily. Pure: the time is passed in.
 */
export function xurDepartureAt(serverNow: number, nextRefreshDate?: number): number {
  const reset = nextXurDeparture(serverNow);
  if (nextRefreshDate === undefined || !Number.isFinite(nextRefreshDate)) return reset;
  if (nextRefreshDate <= serverNow || nextRefreshDate > reset + DEPARTURE_TOLERANCE) return reset;
  return nextRefreshDate;
}
