/**
 * The language of the strings the API picks for a caller (problem titles, the diagram's labels):
 * Chinese (zh-CN) unless `Accept-Language` prefers English. Structured labels (`{ zh, en }`) are
 * always answered whole; only single strings follow the caller's language.
 */
import type { Label } from '../../machines/project.types.js';

export type Language = keyof Label;

export const DEFAULT_LANGUAGE: Language = 'zh';

/** The `Content-Language` value of each language. */
export const CONTENT_LANGUAGE: Record<Language, string> = { zh: 'zh-CN', en: 'en' };

const RANGE = /^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([01](?:\.\d{0,3})?))?\s*$/;

/**
 * The served language the header prefers (RFC 9110 §12.5.4): the range with the highest weight
 * that matches zh or en by its primary subtag; `*` and anything unmatched or malformed mean the
 * default. Equal weights keep the header's order.
 */
export function negotiateLanguage(header: string | string[] | undefined): Language {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return DEFAULT_LANGUAGE;
  let best: { language: Language; weight: number } | null = null;
  for (const part of value.split(',').slice(0, 50)) {
    const match = RANGE.exec(part);
    if (!match?.[1]) continue;
    const weight = match[2] === undefined ? 1 : Number(match[2]);
    if (!(weight > 0)) continue;
    const primary = match[1].toLowerCase().split('-')[0];
    const language: Language | null = primary === 'zh' ? 'zh' : primary === 'en' ? 'en' : primary === '*' ? DEFAULT_LANGUAGE : null;
    if (language && (!best || weight > best.weight)) best = { language, weight };
  }
  return best?.language ?? DEFAULT_LANGUAGE;
}

export const pick = (label: Label, language: Language): string => label[language];
