/**
 * Content negotiation on `Accept` (RFC 9110 §12.5.1) among the media types a route offers. Each
 * offer takes the weight of the most specific range that matches it (`type/subtype` before
 * `type/*` before `* /*`); the heaviest offer wins, ties going to the route's order. No header: the
 * first offer. Null when the header accepts none of them.
 */
const RANGE = /^\s*([\w.+-]+|\*)\/([\w.+-]+|\*)\s*((?:;[^;]*)*)$/;
const WEIGHT = /;\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*(?:;|$)/i;

interface Range {
  type: string;
  subtype: string;
  weight: number;
}

function parseAccept(header: string): Range[] {
  const ranges: Range[] = [];
  for (const part of header.split(',').slice(0, 50)) {
    const match = RANGE.exec(part);
    if (!match?.[1] || !match[2]) continue;
    const q = WEIGHT.exec(match[3] ?? '');
    ranges.push({ type: match[1].toLowerCase(), subtype: match[2].toLowerCase(), weight: q?.[1] === undefined ? 1 : Number(q[1]) });
  }
  return ranges;
}

function weightOf(offer: string, ranges: readonly Range[]): number {
  const [type, subtype] = offer.split('/');
  let best: { specificity: number; weight: number } | null = null;
  for (const range of ranges) {
    const specificity = range.type === type && range.subtype === subtype ? 2 : range.type === type && range.subtype === '*' ? 1 : range.type === '*' ? 0 : -1;
    if (specificity >= 0 && (!best || specificity > best.specificity)) best = { specificity, weight: range.weight };
  }
  return best?.weight ?? 0;
}

export function preferredMediaType<T extends string>(header: string | undefined, offers: readonly [T, ...T[]]): T | null {
  if (!header || header.trim() === '') return offers[0];
  const ranges = parseAccept(header);
  let chosen: T | null = null;
  let chosenWeight = 0;
  for (const offer of offers) {
    const weight = weightOf(offer, ranges);
    if (weight > chosenWeight) {
      chosen = offer;
      chosenWeight = weight;
    }
  }
  return chosen;
}
