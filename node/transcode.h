/*  transcode.h - source text encodings to UTF-8 (glibc iconv).

    A transcoder converts one field at a time so that an undecodable byte
    rejects one field (and its row), not the file. Pure-ASCII input is copied
    without calling iconv, which is most fields of most files.
*/
#ifndef YW_TRANSCODE_H_INCLUDED
#define YW_TRANSCODE_H_INCLUDED

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _transcode_t transcode_t;

/* Creates a transcoder from encoding ("utf-8", "gb18030", "gbk"; names are
   case-insensitive, "utf8", "gb2312" and "cp936" are accepted as aliases:
   gb2312 is decoded as GBK, its superset). Returns NULL for an unknown
   encoding. */
transcode_t *transcode_new (const char *encoding);

void transcode_destroy (transcode_t **self_p);

/* Canonical name of the source encoding ("utf-8", "gb18030", "gbk"). */
const char *transcode_encoding (const transcode_t *self);

/* Converts in[0..len) to UTF-8 in out (NUL-terminated). For utf-8 sources
   the bytes are validated, not converted. Returns the output length, or
   YW_EENCODING (invalid or incomplete sequence, or a NUL byte, which would
   cut the text short; *bad_offset, if not NULL, receives the byte offset in
   `in`), or YW_ETOOBIG if out_size is too small. */
int transcode_field (transcode_t *self, const char *in, size_t len,
                     char *out, size_t out_size, size_t *bad_offset);

#ifdef __cplusplus
}
#endif

#endif
