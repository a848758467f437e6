/**
 * What an uploaded file is, judged by its bytes alone: the declared Content-Type and the file
 * name's extension are never consulted. Also the file name as it is kept (sanitised) and as it is
 * sent back (Content-Disposition with an RFC 5987 `filename*`). Pure functions, no I/O.
 */
import { createHash } from 'node:crypto';

export const FILE_KINDS = ['signed_letter', 'final_report_document'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

export const PDF = 'application/pdf';
export const JPEG = 'image/jpeg';
export const PNG = 'image/png';
export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const MEDIA_TYPES = [PDF, JPEG, PNG, DOCX, XLSX] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/**
 * The types each kind accepts. The signed and sealed letter is a scanned PDF; the final report's
 * documents may also be photos of the activities (JPEG, PNG) and Word or Excel files (OOXML,
 * without macros). Legacy binary Office files (.doc, .xls) are refused: they cannot be told apart
 * from other OLE containers by a signature, and they are the usual carriers of macros.
 */
export const ACCEPTED_TYPES: Record<FileKind, readonly MediaType[]> = {
  signed_letter: [PDF],
  final_report_document: [PDF, JPEG, PNG, DOCX, XLSX],
};

const EXTENSION: Record<MediaType, string> = {
  [PDF]: '.pdf',
  [JPEG]: '.jpg',
  [PNG]: '.png',
  [DOCX]: '.docx',
  [XLSX]: '.xlsx',
};

const startsWith = (bytes: Buffer, signature: readonly number[], at = 0): boolean => bytes.length >= at + signature.length && signature.every((byte, i) => bytes[at + i] === byte);

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/**
 * A PDF starts with `%PDF-<major>.<minor>` and ends with `%%EOF` (readers tolerate a little
 * trailing data, so the marker is looked for in the last 1024 bytes). Requiring the end marker
 * refuses a truncated upload.
 */
function isPdf(bytes: Buffer): boolean {
  if (!startsWith(bytes, ascii('%PDF-')) || bytes.length < 8) return false;
  const major = bytes[5]!;
  const dot = bytes[6]!;
  const minor = bytes[7]!;
  if (major < 0x31 || major > 0x32 || dot !== 0x2e || minor < 0x30 || minor > 0x39) return false;
  return bytes.subarray(Math.max(0, bytes.length - 1024)).includes('%%EOF', 0, 'latin1');
}

/** JPEG: the SOI marker followed by another marker. */
const isJpeg = (bytes: Buffer): boolean => startsWith(bytes, [0xff, 0xd8, 0xff]);

/** PNG: the 8-byte signature and the IHDR chunk first, as the format requires. */
const isPng = (bytes: Buffer): boolean => startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) && startsWith(bytes, ascii('IHDR'), 12);

const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];
const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const MAX_ZIP_ENTRIES = 10_000;

/** The member names of a ZIP archive, from its central directory; null when it is not a well-formed (non-ZIP64) archive. */
export function zipMemberNames(bytes: Buffer): string[] | null {
  if (!startsWith(bytes, ZIP_LOCAL_HEADER) || bytes.length < 22) return null;
  // The end-of-central-directory record is the last 22 bytes plus a comment of at most 65,535.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i -= 1) {
    if (bytes.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const entries = bytes.readUInt16LE(eocd + 10);
  const size = bytes.readUInt32LE(eocd + 12);
  const offset = bytes.readUInt32LE(eocd + 16);
  if (entries === 0xffff || offset === 0xffffffff || entries > MAX_ZIP_ENTRIES || offset + size > eocd) return null;
  const names: string[] = [];
  let at = offset;
  for (let n = 0; n < entries; n += 1) {
    if (at + 46 > eocd || bytes.readUInt32LE(at) !== CENTRAL_HEADER_SIGNATURE) return null;
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    if (at + 46 + nameLength > eocd) return null;
    names.push(bytes.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/**
 * Word and Excel documents (OOXML) are ZIP archives with a `[Content_Types].xml` member and the
 * main part of their application; a VBA project (macros) makes the file unacceptable.
 */
function ooxmlType(bytes: Buffer): MediaType | null {
  const names = zipMemberNames(bytes);
  if (!names || !names.includes('[Content_Types].xml')) return null;
  if (names.some((name) => name.toLowerCase().endsWith('vbaproject.bin'))) return null;
  if (names.includes('word/document.xml')) return DOCX;
  if (names.includes('xl/workbook.xml')) return XLSX;
  return null;
}

/** The SHA-256 of the bytes, hex: what a file is kept and logged with. */
export function checksumOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The media type of the bytes, among those this service knows; null for anything else. */
export function detectMediaType(bytes: Buffer): MediaType | null {
  if (isPdf(bytes)) return PDF;
  if (isPng(bytes)) return PNG;
  if (isJpeg(bytes)) return JPEG;
  return ooxmlType(bytes);
}

export const MAX_FILE_NAME_LENGTH = 200;

// C0 and C1 controls, zero-width and bidirectional formatting characters (which can disguise an
// extension, e.g. "report\u202Efdp.exe"), and the byte-order mark.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/g;
// Characters that no common file system accepts in a name.
const RESERVED = /[<>:"|?*]/g;

/**
 * The file name as kept: NFC, without any directory part, control or formatting characters,
 * reserved characters replaced by `_`, no leading dots, at most 200 characters (the extension
 * kept when shortening). An empty result becomes `file` with the extension of the detected type.
 */
export function sanitizeFileName(raw: string | undefined, mediaType: MediaType): string {
  let name = (raw ?? '').normalize('NFC');
  name = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  name = name.replace(INVISIBLE, '').replace(RESERVED, '_').trim().replace(/^\.+/, '').trim();
  if (name === '') return `file${EXTENSION[mediaType]}`;
  const characters = [...name];
  if (characters.length <= MAX_FILE_NAME_LENGTH) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? [...name.slice(dot)] : [];
  const keep = extension.length > 0 && extension.length <= 16 ? extension : [];
  return [...characters.slice(0, MAX_FILE_NAME_LENGTH - keep.length), ...keep].join('').trim();
}
