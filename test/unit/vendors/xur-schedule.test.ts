import { afterEach, describe, expect, it } from 'vitest';
import {
  isXurScheduled,
  nextXurArrival,
  nextXurDeparture,
  xurDepartureAt,
  xurVisitAt,
} from '@/lib/vendors/xur-schedule';

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('Xûr schedule (UTC)', () => {
  it.each([
    // [moment, scheduled?, next arrival, next departure]
    ['2026-07-03T16:59:00.000Z', false, '2026-07-03T17:00:00.000Z', '2026-07-07T17:00:00.000Z'],
    ['2026-07-03T16:59:59.999Z', false, '2026-07-03T17:00:00.000Z', '2026-07-07T17:00:00.000Z'],
    ['2026-07-03T17:00:00.000Z', true, '2026-07-10T17:00:00.000Z', '2026-07-07T17:00:00.000Z'],
    ['2026-07-05T03:00:00.000Z', true, '2026-07-10T17:00:00.000Z', '2026-07-07T17:00:00.000Z'],
    ['2026-07-07T16:59:59.999Z', true, '2026-07-10T17:00:00.000Z', '2026-07-07T17:00:00.000Z'],
    ['2026-07-07T17:00:00.000Z', false, '2026-07-10T17:00:00.000Z', '2026-07-14T17:00:00.000Z'],
    ['2026-07-08T12:00:00.000Z', false, '2026-07-10T17:00:00.000Z', '2026-07-14T17:00:00.000Z'],
    // Year boundaries: a visit from Friday 31 Dec 2027 to Tuesday 4 Jan 2028, and arrivals across New Year.
    ['2025-12-31T12:00:00.000Z', false, '2026-01-02T17:00:00.000Z', '2026-01-06T17:00:00.000Z'],
    ['2027-12-31T16:59:00.000Z', false, '2027-12-31T17:00:00.000Z', '2028-01-04T17:00:00.000Z'],
    ['2028-01-01T00:00:00.000Z', true, '2028-01-07T17:00:00.000Z', '2028-01-04T17:00:00.000Z'],
    ['2028-01-04T17:00:00.000Z', false, '2028-01-07T17:00:00.000Z', '2028-01-11T17:00:00.000Z'],
    // Leap day inside a visit (Tuesday 29 Feb 2028 is a reset).
    ['2028-02-29T16:00:00.000Z', true, '2028-03-03T17:00:00.000Z', '2028-02-29T17:00:00.000Z'],
  ])('at %s: scheduled=%s, next arrival %s, next departure %s', (now, scheduled, arrival, departure) => {
    expect(isXurScheduled(t(now))).toBe(scheduled);
    expect(iso(nextXurArrival(t(now)))).toBe(arrival);
    expect(iso(nextXurDeparture(t(now)))).toBe(departure);
  });

  it.each([
    ['Friday 17:00, arrival', '2026-07-03T17:00:00.000Z', '2026-07-03'],
    ['Monday night', '2026-07-06T23:00:00.000Z', '2026-07-03'],
    ['Tuesday 17:30, Bungie late', '2026-07-07T17:30:00.000Z', '2026-07-03'],
    ['Thursday 04:59, nearer the last departure', '2026-07-09T04:59:00.000Z', '2026-07-03'],
    ['Thursday 05:01, nearer the next arrival', '2026-07-09T05:01:00.000Z', '2026-07-10'],
    ['Friday 16:59, Bungie early', '2026-07-10T16:59:00.000Z', '2026-07-10'],
    ['New Year visit', '2028-01-02T10:00:00.000Z', '2027-12-31'],
  ])('an answer "present" on %s belongs to the visit %s', (_label, now, visitId) => {
    const visit = xurVisitAt(t(now));
    expect(visit.id).toBe(visitId);
    expect(visit.departsAt - visit.arrivesAt).toBe(4 * 24 * 3_600_000);
    expect(new Date(visit.arrivesAt).getUTCDay()).toBe(5);
    expect(new Date(visit.arrivesAt).getUTCHours()).toBe(17);
  });

  describe('daylight saving in another time zone changes nothing', () => {
    const originalTz = process.env.TZ;
    afterEach(() => {
      process.env.TZ = originalTz;
    });

    // America/New_York: DST starts Sunday 8 March 2026 and ends Sunday 1 November 2026, both inside a visit.
    it.each([
      [
        'spring forward',
        '2026-03-06T16:59:00.000Z',
        '2026-03-06T17:00:00.000Z',
        '2026-03-10T17:00:00.000Z',
        '12',
        '13',
      ],
      ['fall back', '2026-10-30T16:59:00.000Z', '2026-10-30T17:00:00.000Z', '2026-11-03T17:00:00.000Z', '13', '12'],
    ])(
      '%s weekend: same UTC instants whatever process.env.TZ says',
      (_label, now, arrival, departure, nyArrive, nyLeave) => {
        const results: string[][] = [];
        for (const tz of ['UTC', 'America/New_York', 'Australia/Lord_Howe']) {
          process.env.TZ = tz;
          if (tz === 'America/New_York') {
            // The process really runs in New York time now: local hours move across the switch.
            expect([new Date(t(arrival)).getHours(), new Date(t(departure)).getHours()]).toEqual([
              Number(nyArrive),
              Number(nyLeave),
            ]);
          }
          results.push([
            iso(nextXurArrival(t(now))),
            iso(nextXurDeparture(nextXurArrival(t(now)))),
            String(isXurScheduled(t(arrival))),
            String(isXurScheduled(t(departure) - 1)),
            String(isXurScheduled(t(departure))),
            xurVisitAt(t(arrival) + 36 * 3_600_000).id,
          ]);
        }
        expect(results[1]).toEqual(results[0]);
        expect(results[2]).toEqual(results[0]);
        expect(results[0]).toEqual([arrival, departure, 'true', 'true', 'false', arrival.slice(0, 10)]);
      },
    );
  });

  it.each([
    // [server now, Bungie's nextRefreshDate, departure]
    ['Bungie says the reset', '2026-07-05T12:00:00Z', '2026-07-07T17:00:00Z', '2026-07-07T17:00:00.000Z'],
    ['Bungie ends the visit early', '2026-07-05T12:00:00Z', '2026-07-06T09:00:00Z', '2026-07-06T09:00:00.000Z'],
    [
      'Bungie keeps him a few hours past the reset',
      '2026-07-07T16:00:00Z',
      '2026-07-07T20:00:00Z',
      '2026-07-07T20:00:00.000Z',
    ],
    ['no date: the reset', '2026-07-05T12:00:00Z', undefined, '2026-07-07T17:00:00.000Z'],
    ['a date in the past: the reset', '2026-07-05T12:00:00Z', '2026-07-03T09:00:00Z', '2026-07-07T17:00:00.000Z'],
    // The real 2026 capture, taken on Monday 29 June: "2026-07-03T09:00:00Z", three days after he left.
    ['the capture: days past the reset', '2026-06-29T12:00:00Z', '2026-07-03T09:00:00Z', '2026-06-30T17:00:00.000Z'],
    ['the 2022 capture, a Sunday', '2022-10-16T12:00:00Z', '2022-10-21T09:00:00Z', '2022-10-18T17:00:00.000Z'],
  ])('departure when %s', (_label, now, refresh, departure) => {
    expect(iso(xurDepartureAt(t(now), refresh === undefined ? undefined : t(refresh)))).toBe(departure);
  });
});
