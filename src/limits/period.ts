/** The loss-limit day: starts at a configured wall time in a configured zone (e.g. 17:00
 * America/New_York). Pure: an index that changes exactly when a new day starts. */
const DAY_MS = 86_400_000;
const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(zone, f);
  }
  return f;
}

/** Throws RangeError for a zone the runtime does not know (config validation uses this). */
export function assertTimeZone(zone: string): void {
  format(zone);
}

/** Offset of `zone` from UTC at instant `ts`, in ms (positive east of Greenwich). */
function zoneOffsetMs(ts: number, zone: string): number {
  if (zone === 'UTC') return 0;
  const p: Record<string, number> = {};
  for (const part of format(zone).formatToParts(new Date(ts)))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  const local = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return local - Math.floor(ts / 1000) * 1000;
}

/** Index of the loss-limit day containing `ts`: increments at `dayStart` (HH:MM) local time. */
export function periodIndex(ts: number, dayStart: string, zone: string): number {
  const startMs = (Number(dayStart.slice(0, 2)) * 60 + Number(dayStart.slice(3, 5))) * 60_000;
  return Math.floor((ts + zoneOffsetMs(ts, zone) - startMs) / DAY_MS);
}
