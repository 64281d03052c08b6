import { civilFromDays, daysFromCivil } from '../convert/civil-days.ts';

const WITH_OFFSET =
  /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(\.\d+)?(?:([+-])(\d\d)(?::?(\d\d))?(?::(\d\d))?|Z)$/;

/**
 * A timestamptz value (`2024-01-01 12:00:00.5+02`, `…+05:30`, `…Z`) as the UTC DATETIME MySQL stores
 * (`2024-01-01 10:00:00.5`), computed on the digits so that microseconds and years outside Date's
 * comfort survive. `undefined` when the text carries no offset (it is stored as it is).
 */
export function toUtcDateTime(text: string): string | undefined {
  if (!hasOffset(text)) return undefined;
  const m = WITH_OFFSET.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, fraction = ''] = m;
  const sign = m[8] === '-' ? -1 : 1;
  const offset = sign * (Number(m[9] ?? 0) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0));
  if (offset === 0) return `${y}-${mo}-${d} ${h}:${mi}:${s}${fraction}`;
  const seconds =
    daysFromCivil(Number(y), Number(mo), Number(d)) * 86400 +
    Number(h) * 3600 +
    Number(mi) * 60 +
    Number(s) -
    offset;
  const days = Math.floor(seconds / 86400);
  const rest = seconds - days * 86400;
  const [year, month, day] = civilFromDays(days);
  const time = `${pad(Math.floor(rest / 3600))}:${pad(Math.floor(rest / 60) % 60)}:${pad(rest % 60)}`;
  return `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)} ${time}${fraction}`;
}

/** A cheap test before the regular expression: the offset follows the seconds (position 19). */
function hasOffset(text: string): boolean {
  return text.length > 19 && (text.indexOf('+', 19) > 0 || text.indexOf('-', 19) > 0 || text.endsWith('Z'));
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
