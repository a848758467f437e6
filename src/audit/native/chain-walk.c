/*
 * lixiang_chain_walk: the transition log's hash chain walked inside SQLite, for bulk verification.
 *
 * An aggregate over the rows of a range, in sequence order:
 *
 *   SELECT lixiang_chain_walk(seq, prev_hash, hash, subject_id, event, from_state, to_state, payload,
 *            actor_id, actor_role, actor_unit_id, at, request_id, machine_id, machine_version,
 *            subject_kind, format)
 *   FROM transition_log WHERE seq BETWEEN ? AND ? ORDER BY seq
 *
 * For each row it builds the bytes `entryBytes` (src/audit/hash-chain.ts) builds in the row's
 * format (2: every column but the hash; 1: the rows written before subjects had a kind, the
 * subject id under "projectId", passed only when subject_kind equals machine_id), hashes them with
 * SHA-256 and compares the hex digest with the stored hash; each prev_hash must equal the hash
 * before it and the sequence numbers must follow one another. It answers
 *
 *   'ok <count> <firstSeq> <firstPrevHash> <lastHash>'   every row passed, or
 *   NULL                                                 in doubt.
 *
 * It only ever vouches for rows: it is in doubt at the first row it cannot pass for any reason (a
 * mismatch, a gap, a value of an unexpected type, text that is not valid UTF-8, a digest that is
 * not 64 lowercase hex digits) and the caller then walks the range in JavaScript with
 * `entryBytes`, whose verdict is the one reported. So the C serialiser can make a verification
 * slower but never change its verdict: where it passes a row, the JavaScript serialiser produces
 * the same bytes (valid UTF-8 text decodes and re-encodes to itself; strings are escaped as
 * JSON.stringify escapes them; the two numbers are safe integers printed in decimal).
 *
 * SHA-256 comes from the OpenSSL that Node.js links in and exports to native code; the extension
 * is only ever loaded into a Node.js process.
 */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* OpenSSL's low-level SHA-256, resolved from the Node.js executable at load time. The layout is
 * OpenSSL's SHA256_CTX (unchanged since 0.9.8), with room to spare should it ever grow. */
typedef struct {
  unsigned int h[8];
  unsigned int Nl, Nh;
  unsigned int data[16];
  unsigned int num, md_len;
  unsigned char spare[128];
} SHA256_CTX;
extern int SHA256_Init(SHA256_CTX *c);
extern int SHA256_Update(SHA256_CTX *c, const void *data, size_t len);
extern int SHA256_Final(unsigned char *md, SHA256_CTX *c);

#define HEX_LEN 64
static const char HEX[] = "0123456789abcdef";
#define MAX_SAFE_INTEGER 9007199254740991LL

typedef struct {
  int started;
  int doubt;
  sqlite3_int64 count;
  sqlite3_int64 firstSeq;
  sqlite3_int64 nextSeq;
  char firstPrevHash[HEX_LEN + 1];
  char lastHash[HEX_LEN + 1];
  unsigned char *buf;
  size_t len, cap;
} Walk;

static int reserve(Walk *w, size_t more) {
  if (w->len + more <= w->cap) return 1;
  size_t cap = w->cap ? w->cap : 1024;
  while (cap < w->len + more) cap *= 2;
  unsigned char *grown = realloc(w->buf, cap);
  if (!grown) return 0;
  w->buf = grown;
  w->cap = cap;
  return 1;
}

static int put(Walk *w, const char *s, size_t n) {
  if (!reserve(w, n)) return 0;
  memcpy(w->buf + w->len, s, n);
  w->len += n;
  return 1;
}

#define PUT_LITERAL(w, s) put((w), (s), sizeof(s) - 1)

/* Length of the valid UTF-8 sequence at p (RFC 3629: no overlongs, no surrogates, at most
 * U+10FFFF), or 0. */
static size_t utf8_sequence(const unsigned char *p, size_t left) {
  unsigned char c = p[0];
  if (c >= 0xC2 && c <= 0xDF) return left >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && p[1] < 0xA0) return 0; /* overlong */
    if (c == 0xED && p[1] >= 0xA0) return 0; /* surrogate */
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80) return 0;
    if (c == 0xF0 && p[1] < 0x90) return 0; /* overlong */
    if (c == 0xF4 && p[1] >= 0x90) return 0; /* above U+10FFFF */
    return 4;
  }
  return 0;
}

/* Whether any of eight bytes needs more than a copy in a JSON string: a control character, '"',
 * '\\' or a byte of a multi-byte UTF-8 sequence. The test is exact for the eight as a whole (the
 * classic "has a zero byte" and "has a byte below n" tricks), which is all the fast path asks. */
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
static inline int needs_care(uint64_t x) {
  uint64_t quote = x ^ (ONES * '"'), backslash = x ^ (ONES * '\\');
  uint64_t control = (x - ONES * 0x20) & ~x;
  return (((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash) | control | x) & HIGHS ? 1 : 0;
}

/* A text value as JSON.stringify writes it, or NULL as null; 0 for any other type or bad UTF-8.
 * Runs of eight plain ASCII bytes are copied as they are; the rest byte by byte. */
static int put_string(Walk *w, sqlite3_value *v) {
  int type = sqlite3_value_type(v);
  if (type == SQLITE_NULL) return PUT_LITERAL(w, "null");
  if (type != SQLITE_TEXT) return 0;
  const unsigned char *s = sqlite3_value_text(v);
  size_t n = (size_t)sqlite3_value_bytes(v);
  if (!s || !reserve(w, n * 6 + 2)) return 0; /* the worst case: every byte as \u00XX */
  unsigned char *out = w->buf + w->len;
  *out++ = '"';
  for (size_t i = 0; i < n;) {
    if (n - i >= 8) {
      uint64_t eight;
      memcpy(&eight, s + i, 8);
      if (!needs_care(eight)) {
        memcpy(out, &eight, 8);
        out += 8;
        i += 8;
        continue;
      }
    }
    unsigned char c = s[i];
    if (c >= 0x80) {
      size_t k = utf8_sequence(s + i, n - i);
      if (!k) return 0;
      memcpy(out, s + i, k);
      out += k;
      i += k;
      continue;
    }
    if (c == '"' || c == '\\') {
      *out++ = '\\';
      *out++ = c;
    } else if (c < 0x20) {
      *out++ = '\\';
      switch (c) {
        case '\b': *out++ = 'b'; break;
        case '\t': *out++ = 't'; break;
        case '\n': *out++ = 'n'; break;
        case '\f': *out++ = 'f'; break;
        case '\r': *out++ = 'r'; break;
        default:
          *out++ = 'u';
          *out++ = '0';
          *out++ = '0';
          *out++ = HEX[c >> 4];
          *out++ = HEX[c & 15];
      }
    } else {
      *out++ = c;
    }
    i += 1;
  }
  *out++ = '"';
  w->len = (size_t)(out - w->buf);
  return 1;
}

/* A safe integer (as JavaScript's Number.isSafeInteger) in decimal; 0 for anything else. */
static int put_integer(Walk *w, sqlite3_value *v, sqlite3_int64 *value) {
  if (sqlite3_value_type(v) != SQLITE_INTEGER) return 0;
  sqlite3_int64 n = sqlite3_value_int64(v);
  if (n > MAX_SAFE_INTEGER || n < -MAX_SAFE_INTEGER) return 0;
  if (value) *value = n;
  char digits[24];
  char *end = digits + sizeof digits, *p = end;
  unsigned long long magnitude = n < 0 ? (unsigned long long)(-n) : (unsigned long long)n;
  do {
    *--p = (char)('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude);
  if (n < 0) *--p = '-';
  return put(w, p, (size_t)(end - p));
}

/* A stored value that may be a digest: text of 64 bytes. Whether they are lowercase hex digits
 * follows where they equal a digest computed here (the hash; a prev_hash equal to the hash before
 * it); `digest_text` checks the one that is compared with nothing of the kind, the first prev_hash. */
static const char *text_of_digest_length(sqlite3_value *v) {
  if (sqlite3_value_type(v) != SQLITE_TEXT || sqlite3_value_bytes(v) != HEX_LEN) return NULL;
  return (const char *)sqlite3_value_text(v);
}

/* A stored digest: text of 64 lowercase hex digits. */
static const char *digest_text(sqlite3_value *v) {
  const char *s = text_of_digest_length(v);
  if (!s) return NULL;
  for (int i = 0; i < HEX_LEN; i++) {
    char c = s[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return NULL;
  }
  return s;
}

enum {
  SEQ, PREV_HASH, HASH, SUBJECT_ID, EVENT, FROM_STATE, TO_STATE, PAYLOAD, ACTOR_ID, ACTOR_ROLE, ACTOR_UNIT_ID, AT, REQUEST_ID,
  MACHINE_ID, MACHINE_VERSION, SUBJECT_KIND, FORMAT, ARGS
};

/* Whether two values are text of the same bytes. */
static int same_text(sqlite3_value *a, sqlite3_value *b) {
  if (sqlite3_value_type(a) != SQLITE_TEXT || sqlite3_value_type(b) != SQLITE_TEXT) return 0;
  const unsigned char *x = sqlite3_value_text(a);
  int n = sqlite3_value_bytes(a);
  const unsigned char *y = sqlite3_value_text(b);
  return x && y && n == sqlite3_value_bytes(b) && memcmp(x, y, (size_t)n) == 0;
}

/* The row's bytes in its format, in the member order of entryBytes (RFC 8785 order); 0 for a
 * format it does not know, or a format-1 row whose kind is not its machine's. */
static int build_entry(Walk *w, sqlite3_value **a, sqlite3_int64 *seq) {
  if (sqlite3_value_type(a[FORMAT]) != SQLITE_INTEGER) return 0;
  sqlite3_int64 format = sqlite3_value_int64(a[FORMAT]);
  if (format != 1 && format != 2) return 0;
  if (format == 1 && !same_text(a[SUBJECT_KIND], a[MACHINE_ID])) return 0;
  w->len = 0;
  if (!(PUT_LITERAL(w, "{\"actorId\":") && put_string(w, a[ACTOR_ID]) &&
        PUT_LITERAL(w, ",\"actorRole\":") && put_string(w, a[ACTOR_ROLE]) &&
        PUT_LITERAL(w, ",\"actorUnitId\":") && put_string(w, a[ACTOR_UNIT_ID]) &&
        PUT_LITERAL(w, ",\"at\":") && put_string(w, a[AT]) &&
        PUT_LITERAL(w, ",\"event\":") && put_string(w, a[EVENT]) &&
        (format == 1 || PUT_LITERAL(w, ",\"format\":2")) &&
        PUT_LITERAL(w, ",\"fromState\":") && put_string(w, a[FROM_STATE]) &&
        PUT_LITERAL(w, ",\"machineId\":") && put_string(w, a[MACHINE_ID]) &&
        PUT_LITERAL(w, ",\"machineVersion\":") && put_integer(w, a[MACHINE_VERSION], NULL) &&
        PUT_LITERAL(w, ",\"payload\":") && put_string(w, a[PAYLOAD]) &&
        PUT_LITERAL(w, ",\"prevHash\":") && put_string(w, a[PREV_HASH])))
    return 0;
  if (format == 1) {
    return PUT_LITERAL(w, ",\"projectId\":") && put_string(w, a[SUBJECT_ID]) &&
           PUT_LITERAL(w, ",\"requestId\":") && put_string(w, a[REQUEST_ID]) &&
           PUT_LITERAL(w, ",\"seq\":") && put_integer(w, a[SEQ], seq) &&
           PUT_LITERAL(w, ",\"toState\":") && put_string(w, a[TO_STATE]) && PUT_LITERAL(w, "}");
  }
  return PUT_LITERAL(w, ",\"requestId\":") && put_string(w, a[REQUEST_ID]) &&
         PUT_LITERAL(w, ",\"seq\":") && put_integer(w, a[SEQ], seq) &&
         PUT_LITERAL(w, ",\"subjectId\":") && put_string(w, a[SUBJECT_ID]) &&
         PUT_LITERAL(w, ",\"subjectKind\":") && put_string(w, a[SUBJECT_KIND]) &&
         PUT_LITERAL(w, ",\"toState\":") && put_string(w, a[TO_STATE]) && PUT_LITERAL(w, "}");
}

static void step(sqlite3_context *ctx, int argc, sqlite3_value **a) {
  Walk *w = sqlite3_aggregate_context(ctx, sizeof(Walk));
  if (!w) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  if (w->doubt || argc != ARGS) {
    w->doubt = 1;
    return;
  }
  /* After the first row, a prev_hash must equal the hash before it, itself a computed digest. */
  const char *prev = w->started ? text_of_digest_length(a[PREV_HASH]) : digest_text(a[PREV_HASH]);
  /* Compared with the digest computed below: equal, it is 64 lowercase hex digits. */
  const char *stored = text_of_digest_length(a[HASH]);
  sqlite3_int64 seq = 0;
  if (!prev || !stored || !build_entry(w, a, &seq)) {
    w->doubt = 1;
    return;
  }
  if (w->started && (seq != w->nextSeq || memcmp(prev, w->lastHash, HEX_LEN) != 0)) {
    w->doubt = 1;
    return;
  }
  unsigned char md[32];
  SHA256_CTX sha;
  SHA256_Init(&sha);
  SHA256_Update(&sha, w->buf, w->len);
  SHA256_Final(md, &sha);
  char digest[HEX_LEN];
  for (int i = 0; i < 32; i++) {
    digest[2 * i] = HEX[md[i] >> 4];
    digest[2 * i + 1] = HEX[md[i] & 15];
  }
  if (memcmp(digest, stored, HEX_LEN) != 0) {
    w->doubt = 1;
    return;
  }
  if (!w->started) {
    w->started = 1;
    w->firstSeq = seq;
    memcpy(w->firstPrevHash, prev, HEX_LEN);
  }
  memcpy(w->lastHash, stored, HEX_LEN);
  w->nextSeq = seq + 1;
  w->count += 1;
}

static void finish(sqlite3_context *ctx) {
  Walk *w = sqlite3_aggregate_context(ctx, 0);
  if (w) {
    free(w->buf);
    w->buf = NULL;
  }
  if (!w || !w->started || w->doubt) {
    sqlite3_result_null(ctx);
    return;
  }
  char *answer = sqlite3_mprintf("ok %lld %lld %.64s %.64s", w->count, w->firstSeq, w->firstPrevHash, w->lastHash);
  if (!answer) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  sqlite3_result_text(ctx, answer, -1, sqlite3_free);
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_extension_init(sqlite3 *db, char **error, const sqlite3_api_routines *api) {
  (void)error;
  SQLITE_EXTENSION_INIT2(api);
  return sqlite3_create_function_v2(db, "lixiang_chain_walk", ARGS, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, NULL, step, finish, NULL);
}
