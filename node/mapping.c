/*  mapping.c - loading and checking mapping files (libinih). */
#include "mapping.h"

#include <ctype.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "normalize.h"
#include "transcode.h"
#include "yw.h"

#define S_MAX_SYNONYMS 1024
#define S_MAX_TEXT (1 << 20) /* bytes of a mapping file */
/* The longest line libinih reads whole (it is built with INI_MAX_LINE 200,
   newline and NUL included); it would cut a longer one in two and read the
   rest as a line of its own. */
#define S_MAX_INI_LINE 198

typedef struct {
    int field;        /* index in yw_fields */
    char *value;      /* normalized synonym text */
    const char *code; /* standard code (points into the codebook) */
} s_synonym_t;

struct _mapping_t {
    uint8_t digest[YW_HASH_SIZE]; /* SHA-256 of the text: mapping_digest () */
    const codebook_t *codebook;
    const char *name; /* file name, for messages */
    yw_kind_t kind;
    char format[8];
    char encoding[16];
    char region[YW_REGION_SIZE];
    char source_name[128];
    char *columns[64]; /* by yw_fields index */
    s_synonym_t synonyms[S_MAX_SYNONYMS];
    size_t synonym_count;
    /* [field] and [synonyms.*] entries are checked once kind is known, which
       may come after them in the file: keep them until the end. */
    struct s_pending {
        char *section;
        char *key;
        char *value;
    } * pending;
    size_t pending_count;
    unsigned source_keys; /* [source] keys given, bit per key */
    char *error;          /* first error, YW_MAPPING_ERROR bytes */
    bool failed;
};

static int
s_fail (mapping_t *self, const char *format, const char *a, const char *b, const char *c)
{
    if (!self->failed) {
        char what[YW_MAPPING_ERROR];
        snprintf (what, sizeof what, format, a, b, c);
        snprintf (self->error, YW_MAPPING_ERROR, "mapping %s: %s", self->name, what);
        self->failed = true;
    }
    return 0;
}

static const char *
s_canonical_encoding (const char *value)
{
    if (!strcasecmp (value, "utf-8") || !strcasecmp (value, "utf8"))
        return "utf-8";
    if (!strcasecmp (value, "gb18030"))
        return "gb18030";
    if (!strcasecmp (value, "gbk") || !strcasecmp (value, "gb2312") ||
        !strcasecmp (value, "cp936"))
        return "gbk";
    return NULL;
}

static int
s_handler (void *user, const char *section, const char *key, const char *value)
{
    mapping_t *self = user;
    if (!strcmp (section, "source")) {
        static const char *keys[] = {"kind", "format", "encoding", "region", "name"};
        for (unsigned k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (!strcmp (key, keys[k])) {
                if (self->source_keys & (1u << k))
                    return s_fail (self, "[source] %s is given twice%s%s", key, "", "");
                self->source_keys |= 1u << k;
            }
        if (!strcmp (key, "kind")) {
            self->kind = yw_kind_parse (value);
            if (self->kind == YW_KIND_NONE)
                return s_fail (self,
                               "[source] kind = %s: not one of vehicle, "
                               "office_building, reception_filing%s%s",
                               value, "", "");
        }
        else if (!strcmp (key, "format")) {
            if (strcmp (value, "csv") && strcmp (value, "jsonl"))
                return s_fail (self, "[source] format = %s: not csv or jsonl%s%s", value,
                               "", "");
            snprintf (self->format, sizeof self->format, "%s", value);
        }
        else if (!strcmp (key, "encoding")) {
            const char *canonical = s_canonical_encoding (value);
            if (!canonical)
                return s_fail (self,
                               "[source] encoding = %s: unknown encoding "
                               "(utf-8, gb18030 or gbk)%s%s",
                               value, "", "");
            snprintf (self->encoding, sizeof self->encoding, "%s", canonical);
        }
        else if (!strcmp (key, "region")) {
            yw_reason_t reason;
            const codebook_region_t *region =
                codebook_region_resolve (self->codebook, value, &reason);
            if (!region)
                return s_fail (self,
                               "[source] region = %s: not a GB/T 2260 "
                               "region code%s%s",
                               value, "", "");
            snprintf (self->region, sizeof self->region, "%s", region->code);
        }
        else if (!strcmp (key, "name"))
            snprintf (self->source_name, sizeof self->source_name, "%s", value);
        else
            return s_fail (self,
                           "[source] %s: unknown key (kind, format, "
                           "encoding, region, name)%s%s",
                           key, "", "");
        return 1;
    }
    if (!strcmp (section, "field") || !strncmp (section, "synonyms.", 9)) {
        self->pending =
            yw_realloc (self->pending, (self->pending_count + 1) * sizeof *self->pending);
        self->pending[self->pending_count].section = yw_strdup (section);
        self->pending[self->pending_count].key = yw_strdup (key);
        self->pending[self->pending_count].value = yw_strdup (value);
        self->pending_count++;
        return 1;
    }
    if (!section[0])
        return s_fail (self,
                       "%s: a key before any [section] ([source], [field], "
                       "[synonyms.FIELD])%s%s",
                       key, "", "");
    return s_fail (self,
                   "[%s]: unknown section ([source], [field], "
                   "[synonyms.FIELD])%s%s",
                   section, "", "");
}

/* The field of the kind whose name is closest to a misspelt one. */
static const char *
s_suggest (yw_kind_t kind, const char *name)
{
    const char *best = NULL;
    size_t best_common = 0;
    for (size_t i = 0; yw_fields[i].name; i++) {
        if (yw_fields[i].kind != YW_KIND_NONE && yw_fields[i].kind != kind)
            continue;
        size_t common = 0;
        while (name[common] &&
               tolower ((unsigned char)name[common]) == yw_fields[i].name[common])
            common++;
        if (common > best_common) {
            best_common = common;
            best = yw_fields[i].name;
        }
    }
    return best_common >= 3 ? best : NULL;
}

static void
s_apply_field (mapping_t *self, const char *key, const char *value)
{
    int index = yw_field_find (self->kind, key);
    if (index < 0) {
        const char *hint = s_suggest (self->kind, key);
        s_fail (self, "[field] %s: not a data element of %s%s", key,
                yw_kind_name (self->kind), "");
        if (hint) {
            size_t len = strlen (self->error);
            snprintf (self->error + len, YW_MAPPING_ERROR - len, " (did you mean %s?)",
                      hint);
        }
        return;
    }
    if (!value[0]) {
        s_fail (self, "[field] %s: empty source column%s%s", key, "", "");
        return;
    }
    if (self->columns[index]) {
        s_fail (self, "[field] %s is given twice (= %s, and = %s)", key,
                self->columns[index], value);
        return;
    }
    self->columns[index] = yw_strdup (value);
}

static void
s_apply_synonym (mapping_t *self, const char *field_name, const char *key,
                 const char *value)
{
    int index = yw_field_find (self->kind, field_name);
    if (index < 0 || yw_fields[index].type != YW_FT_ENUM) {
        s_fail (self, "[synonyms.%s]: %s is not an enumerated field of %s", field_name,
                field_name, yw_kind_name (self->kind));
        return;
    }
    const char *table = yw_fields[index].table;
    char text[YW_TEXT_SIZE];
    if (codebook_norm_text (value, strlen (value), text, sizeof text, NULL) != YW_R_OK) {
        s_fail (self, "[synonyms.%s] %s = %s: unreadable value", field_name, key, value);
        return;
    }
    const char *code = codebook_enum_lookup (self->codebook, table, text);
    if (!code) {
        s_fail (self, "[synonyms.%s] %s = %s: not a code or name of table ", field_name,
                key, value);
        size_t len = strlen (self->error);
        snprintf (self->error + len, YW_MAPPING_ERROR - len, "%s", table);
        return;
    }
    if (self->synonym_count == S_MAX_SYNONYMS) {
        s_fail (self, "[synonyms.%s]: more than 1024 synonyms%s%s", field_name, "", "");
        return;
    }
    if (codebook_norm_text (key, strlen (key), text, sizeof text, NULL) != YW_R_OK) {
        s_fail (self, "[synonyms.%s] %s: unreadable synonym", field_name, key, "");
        return;
    }
    for (size_t i = 0; i < self->synonym_count; i++)
        if (self->synonyms[i].field == index && !strcmp (self->synonyms[i].value, text)) {
            if (strcmp (self->synonyms[i].code, code))
                s_fail (self, "[synonyms.%s] %s is given twice, for different codes",
                        field_name, key, "");
            return;
        }
    s_synonym_t *synonym = &self->synonyms[self->synonym_count++];
    synonym->field = index;
    synonym->value = yw_strdup (text);
    synonym->code = code;
}

static int
s_finish (mapping_t *self)
{
    if (!self->failed && self->kind == YW_KIND_NONE)
        s_fail (self,
                "[source] kind is missing (vehicle, office_building or "
                "reception_filing)%s%s%s",
                "", "", "");
    for (size_t i = 0; i < self->pending_count && !self->failed; i++) {
        struct s_pending *entry = &self->pending[i];
        if (!strcmp (entry->section, "field"))
            s_apply_field (self, entry->key, entry->value);
        else
            s_apply_synonym (self, entry->section + 9, entry->key, entry->value);
    }
    for (size_t i = 0; yw_fields[i].name && !self->failed; i++) {
        const yw_field_t *field = &yw_fields[i];
        if (field->kind != YW_KIND_NONE && field->kind != self->kind)
            continue;
        if (!field->required || self->columns[i])
            continue;
        if (!strcmp (field->name, "region_code") && self->region[0])
            continue;
        s_fail (self, "required field %s of %s has no source column in [field]%s",
                field->name, yw_kind_name (self->kind), "");
    }
    return self->failed ? YW_EMAPPING : 0;
}

static mapping_t *
s_new (const char *name, const codebook_t *codebook, char *error)
{
    mapping_t *self = yw_calloc (1, sizeof *self);
    self->codebook = codebook;
    self->name = name;
    self->error = error;
    error[0] = '\0';
    strcpy (self->format, "csv");
    strcpy (self->encoding, "utf-8");
    return self;
}

static int
s_conclude (mapping_t *self, int parse_rc, mapping_t **mapping_p)
{
    if (parse_rc > 0 && !self->failed) {
        char line[32];
        snprintf (line, sizeof line, "%d", parse_rc);
        s_fail (self, "line %s: not a section, key = value, or comment%s%s", line, "", "");
    }
    int rc = self->failed ? YW_EMAPPING : s_finish (self);
    if (rc) {
        mapping_destroy (&self);
        return rc;
    }
    *mapping_p = self;
    return 0;
}

/* True if a line (leading space gone) is blank, a [section] or a key =
   value as libinih reads them; it would report a line that is not, but only
   after the handler saw the lines that follow, so the error reported would
   be the wrong one. */
static bool
s_ini_line (const char *line, size_t len)
{
    while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
        len--;
    if (len == 0)
        return true;
    if (line[0] == '[')
        return memchr (line, ']', len) != NULL;
    return memchr (line, '=', len) || memchr (line, ':', len);
}

/* Makes text (size bytes) safe to hand to libinih: a UTF-8 BOM goes,
   comment lines are blanked (a long comment cannot be cut into a line that
   parses), leading white space goes (libinih would take an indented line
   for the continuation of the previous value: an indented `plate = 车牌号`
   under `vin = 车架号` would map vin to "plate = 车牌号"), and a NUL byte,
   a line libinih would cut, or text that is not UTF-8 (a mapping saved as
   GBK by a Chinese Windows editor) is an error naming the line. Line
   numbers are kept. Returns the text to parse, or NULL after s_fail. */
static char *
s_prepare (mapping_t *self, const char *text, size_t size)
{
    if (memchr (text, '\0', size)) {
        s_fail (self, "contains a NUL byte: not a text file%s%s%s", "", "", "");
        return NULL;
    }
    if (size >= 3 && !memcmp (text, "\xEF\xBB\xBF", 3)) {
        text += 3;
        size -= 3;
    }
    char *out = yw_malloc (size + 1);
    size_t len = 0;
    transcode_t *utf8 = transcode_new ("utf-8");
    char check[S_MAX_INI_LINE + 1];
    unsigned line = 0;
    for (const char *p = text, *end = text + size; p < end && !self->failed;) {
        const char *eol = memchr (p, '\n', (size_t)(end - p));
        const char *next = eol ? eol + 1 : end;
        if (!eol)
            eol = end;
        line++;
        while (p < eol &&
               (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f' || *p == '\v'))
            p++;
        char number[16];
        snprintf (number, sizeof number, "%u", line);
        if (p < eol && (*p == ';' || *p == '#'))
            p = eol; /* a comment: keep the line, drop its text */
        else if ((size_t)(eol - p) > S_MAX_INI_LINE)
            s_fail (self, "line %s: longer than %s bytes%s", number, "198", "");
        else if (!s_ini_line (p, (size_t)(eol - p)))
            s_fail (self, "line %s: not a section, key = value, or comment%s%s", number, "",
                    "");
        else if (transcode_field (utf8, p, (size_t)(eol - p), check, sizeof check, NULL) <
                 0)
            s_fail (self, "line %s: not UTF-8 text (save the mapping file as UTF-8)%s%s",
                    number, "", "");
        memcpy (out + len, p, (size_t)(eol - p));
        len += (size_t)(eol - p);
        if (next > eol)
            out[len++] = '\n';
        p = next;
    }
    out[len] = '\0';
    transcode_destroy (&utf8);
    if (self->failed) {
        free (out);
        return NULL;
    }
    return out;
}

static int
s_parse (mapping_t *self, const char *text, size_t size, mapping_t **mapping_p)
{
    if (self)
        yw_sha256 (text, size, self->digest);
    char *prepared = s_prepare (self, text, size);
    int parse_rc = prepared ? ini_parse_string (prepared, s_handler, self) : 0;
    free (prepared);
    return s_conclude (self, parse_rc, mapping_p);
}

const uint8_t *
mapping_digest (const mapping_t *self)
{
    return self->digest;
}

int
mapping_parse (const char *text, const char *name, const codebook_t *codebook,
               mapping_t **mapping_p, char *error)
{
    mapping_t *self = s_new (name, codebook, error);
    return s_parse (self, text, strlen (text), mapping_p);
}

int
mapping_load (const char *path, const codebook_t *codebook, mapping_t **mapping_p,
              char *error)
{
    FILE *file = fopen (path, "rb");
    if (!file) {
        snprintf (error, YW_MAPPING_ERROR, "mapping %s: cannot open: %m", path);
        return YW_EIO;
    }
    /* Read whole (bounded), so that a directory or a read error is an error
       and not an empty mapping, and the text can be checked as a whole. */
    size_t cap = 4096, size = 0;
    char *text = yw_malloc (cap);
    for (;;) {
        size += fread (text + size, 1, cap - size, file);
        if (size < cap || cap > S_MAX_TEXT)
            break; /* the end, a read error, or more than S_MAX_TEXT */
        cap = cap * 2 > S_MAX_TEXT + 1 ? S_MAX_TEXT + 1 : cap * 2;
        text = yw_realloc (text, cap);
    }
    int rc = 0;
    if (ferror (file)) {
        snprintf (error, YW_MAPPING_ERROR, "mapping %s: cannot read: %m", path);
        rc = YW_EIO;
    }
    else if (size > S_MAX_TEXT) {
        snprintf (error, YW_MAPPING_ERROR,
                  "mapping %s: larger than %d bytes: not a mapping file", path, S_MAX_TEXT);
        rc = YW_EMAPPING;
    }
    fclose (file);
    if (rc == 0)
        rc = s_parse (s_new (path, codebook, error), text, size, mapping_p);
    free (text);
    return rc;
}

void
mapping_destroy (mapping_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    mapping_t *self = *self_p;
    for (size_t i = 0; i < 64; i++)
        free (self->columns[i]);
    for (size_t i = 0; i < self->synonym_count; i++)
        free (self->synonyms[i].value);
    for (size_t i = 0; i < self->pending_count; i++) {
        free (self->pending[i].section);
        free (self->pending[i].key);
        free (self->pending[i].value);
    }
    free (self->pending);
    free (self);
    *self_p = NULL;
}

yw_kind_t
mapping_kind (const mapping_t *self)
{
    return self->kind;
}

const char *
mapping_format (const mapping_t *self)
{
    return self->format;
}

const char *
mapping_encoding (const mapping_t *self)
{
    return self->encoding;
}

const char *
mapping_region (const mapping_t *self)
{
    return self->region;
}

const char *
mapping_name (const mapping_t *self)
{
    return self->source_name;
}

const char *
mapping_column (const mapping_t *self, size_t field_index)
{
    return field_index < 64 ? self->columns[field_index] : NULL;
}

const char *
mapping_synonym (const mapping_t *self, size_t field_index, const char *value)
{
    for (size_t i = 0; i < self->synonym_count; i++)
        if ((size_t)self->synonyms[i].field == field_index &&
            !strcmp (self->synonyms[i].value, value))
            return self->synonyms[i].code;
    return NULL;
}
