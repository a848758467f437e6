/**
 * Pure tests of type detection by content and of file names: no HTTP, no database.
 */
import { describe, expect, it } from 'vitest';
import { ACCEPTED_TYPES, detectMediaType, sanitizeFileName, zipMemberNames } from '../../src/files/file-content.js';
import { contentDisposition } from '../../src/http/content-disposition.js';
import { minimalDocx, minimalJpeg, minimalPdf, minimalPng, minimalXlsx, zip } from '../helpers/files.js';

describe('detectMediaType', () => {
  it.each([
    ['a PDF', minimalPdf(), 'application/pdf'],
    ['a PDF 2.0 with trailing bytes after %%EOF', Buffer.concat([Buffer.from('%PDF-2.0\n%%EOF\n'), Buffer.alloc(500, 0x0a)]), 'application/pdf'],
    ['a PNG', minimalPng(), 'image/png'],
    ['a JPEG', minimalJpeg(), 'image/jpeg'],
    ['a DOCX', minimalDocx(), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['an XLSX', minimalXlsx(), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ])('recognises %s', (_name, bytes, type) => {
    expect(detectMediaType(bytes)).toBe(type);
  });

  it.each([
    ['nothing', Buffer.alloc(0)],
    ['a PDF header without the end marker', Buffer.from('%PDF-1.4\n1 0 obj\n')],
    ['a PDF whose end marker is more than 1024 bytes before the end', Buffer.concat([Buffer.from('%PDF-1.4\n%%EOF'), Buffer.alloc(2000, 0x20)])],
    ['a PDF with a nonsense version', Buffer.from('%PDF-x.y\n%%EOF')],
    ['the PDF marker late in the file', Buffer.concat([Buffer.from('MZ'), minimalPdf()])],
    ['a PNG signature without IHDR', minimalPng().subarray(0, 10)],
    ['an HTML page', Buffer.from('<!doctype html><script>alert(1)</script>')],
    ['an SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['a legacy Office (OLE2) file', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0])],
    ['a ZIP without [Content_Types].xml', zip({ 'word/document.xml': '<w:document/>' })],
    ['an OOXML package of neither Word nor Excel', zip({ '[Content_Types].xml': '<Types/>', 'ppt/presentation.xml': '<p/>' })],
    ['a macro-enabled Word document', zip({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w/>', 'word/vbaProject.bin': 'x' })],
    ['a ZIP cut short (no central directory)', minimalDocx().subarray(0, 60)],
  ])('refuses %s', (_name, bytes) => {
    expect(detectMediaType(bytes)).toBeNull();
  });

  it('reads ZIP member names from the central directory, and refuses a directory pointing outside the file', () => {
    expect(zipMemberNames(zip({ a: '1', 'dir/b.xml': '2' }))).toEqual(['a', 'dir/b.xml']);
    const broken = zip({ a: '1' });
    broken.writeUInt32LE(0xfffffff0, broken.length - 6);
    expect(zipMemberNames(broken)).toBeNull();
  });

  it('accepts only PDF for the signed letter', () => {
    expect(ACCEPTED_TYPES.signed_letter).toEqual(['application/pdf']);
  });
});

describe('file names', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['a\u0000b\u0007c.pdf', 'abc.pdf'],
    ['\u200bzero\u2066width\u2069.pdf', 'zerowidth.pdf'],
    ['...', 'file.pdf'],
    ['C:\\', 'file.pdf'],
  ])('sanitises %j to %j', (given, kept) => {
    expect(sanitizeFileName(given, 'application/pdf')).toBe(kept);
  });

  it('shortens to 200 characters (not bytes), keeping the extension', () => {
    const kept = sanitizeFileName(`${'报'.repeat(250)}.docx`, 'application/pdf');
    expect([...kept]).toHaveLength(200);
    expect(kept.endsWith('.docx')).toBe(true);
    expect([...sanitizeFileName('😀'.repeat(300), 'image/png')]).toHaveLength(200);
  });

  it('an empty name becomes file.<extension of the detected type>', () => {
    expect(sanitizeFileName(undefined, 'image/jpeg')).toBe('file.jpg');
    expect(sanitizeFileName('  ', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')).toBe('file.xlsx');
  });

  it('Content-Disposition carries an ASCII fallback and the exact name in RFC 5987 form', () => {
    expect(contentDisposition('report.pdf')).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
    expect(contentDisposition('结项 "报告" (终稿).pdf')).toBe(
      `attachment; filename="__ ____ (__).pdf"; filename*=UTF-8''%E7%BB%93%E9%A1%B9%20%22%E6%8A%A5%E5%91%8A%22%20%28%E7%BB%88%E7%A8%BF%29.pdf`,
    );
  });
});
