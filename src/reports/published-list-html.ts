/**
 * The published approved list as a printable notice: one self-contained HTML page (inline CSS, A4
 * print rules, no script, no external resource), headed as the committee's notice is, with its
 * document number and date and a table 序号 / 项目名称 / 申报单位 / 类别 / 方向. Every text from
 * the database is escaped.
 */
import { chineseDate, noticeHeading } from './exports.js';
import type { PublishedList } from './published-list.schemas.js';

export const HTML_MEDIA_TYPE = 'text/html';

/**
 * The page allows its own inline style and nothing else: no script, no fetch, no frame. Carried in
 * the page itself (a saved or forwarded copy keeps it), beside the service's own response header.
 */
export const PUBLISHED_LIST_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in HTML content and in a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

const STYLE = `
  @page { size: A4; margin: 25mm 20mm 20mm 20mm; }
  html { font-family: "FangSong", "仿宋", "STFangsong", "SimSun", "Songti SC", serif; font-size: 12pt; color: #000; background: #fff; }
  body { max-width: 170mm; margin: 2em auto; }
  h1 { font-family: "SimHei", "黑体", "STHeiti", "Heiti SC", sans-serif; font-size: 18pt; font-weight: bold; text-align: center; margin: 0 0 0.6em; line-height: 1.5; }
  .document { text-align: center; margin: 0 0 1.2em; }
  .document span + span { margin-left: 2em; }
  table { width: 100%; border-collapse: collapse; }
  caption { caption-side: bottom; text-align: right; padding-top: 0.6em; }
  th, td { border: 1px solid #000; padding: 0.3em 0.4em; vertical-align: top; }
  th { font-family: "SimHei", "黑体", "STHeiti", "Heiti SC", sans-serif; font-weight: bold; text-align: center; }
  td.number { text-align: center; white-space: nowrap; }
  .signed { margin-top: 1.5em; font-size: 9pt; color: #333; word-break: break-all; }
  @media print {
    body { margin: 0; max-width: none; }
    thead { display: table-header-group; }
    tr { page-break-inside: avoid; break-inside: avoid; }
  }
`;

/** The page for a published list. */
export function renderPublishedListHtml(list: PublishedList): string {
  const heading = escapeHtml(noticeHeading(list.round.title));
  const rows = list.items
    .map(
      (item, index) =>
        `      <tr><td class="number">${index + 1}</td><td>${escapeHtml(item.title)}</td><td>${escapeHtml(item.unitName)}</td>` +
        `<td>${escapeHtml(item.categoryLabel.zh)}</td><td>${escapeHtml(item.directionLabel.zh)}</td></tr>`,
    )
    .join('\n');
  const signed = list.signedDocument ? `\n  <p class="signed">盖章文件 SHA-256：${escapeHtml(list.signedDocument.sha256)}</p>` : '';
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeHtml(PUBLISHED_LIST_CSP)}">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${heading}</title>
  <style>${STYLE}</style>
</head>
<body>
  <h1>${heading}</h1>
  <p class="document"><span>文号：${escapeHtml(list.documentNumber)}</span><span>发文日期：${escapeHtml(chineseDate(list.publishedOn))}</span></p>
  <table>
    <caption>共 ${list.total} 项</caption>
    <thead>
      <tr><th scope="col">序号</th><th scope="col">项目名称</th><th scope="col">申报单位</th><th scope="col">类别</th><th scope="col">方向</th></tr>
    </thead>
    <tbody>
${rows}
    </tbody>
  </table>${signed}
</body>
</html>
`;
}
