/*  codebook.c - the coding standard's tables (codebook.h), parsed once from
    the blobs that embed.cmake compiles in.

    All table text is copied into one arena and split in place, so every
    string a caller gets points into it and nothing is allocated per entry.
    Regions are an array sorted by code with a parallel array of the codes as
    integers for bsearch; succession rows are resolved to their final region
    when the codebook is built, so resolving an old code is one more bsearch.
    Enumeration codes, names and synonyms of every table share one open-
    addressing hash keyed by (table, ASCII-upper-cased value): a lookup hashes
    the value as it folds it and allocates nothing.

    Parsing is strict, because a table error is a build error: any malformed
    row makes codebook_new () print the file and line and return NULL.
*/
#include "codebook.h"
#include "codebook_blob.h"
#include "normalize.h"
#include "yw.h"

#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Columns a table row may have. */
#define S_MAX_COLUMNS 8

/* Bytes of an enumeration code: record fields hold codes in 16-byte buffers
   (YW_CODE_SIZE in proto/record.h), so a code has at most 15 characters. */
#define S_CODE_MAX 15

/* Bytes of a name or synonym (after normalization). */
#define S_VALUE_MAX 255

/* Enumeration tables; the table index is kept in a byte of the hash slot. */
#define S_MAX_ENUMS 64

#define S_REGIONS "regions.tsv"
#define S_SUCCESSION "region_succession.tsv"
#define S_SYNONYMS "synonyms/"

typedef struct {
    char *name;          /* path without ".tsv", e.g. "synonyms/energy_type" */
    const char *version; /* first comment line without "# " */
} s_table_t;

typedef struct {
    const char *code;
    const char *name;
} s_entry_t;

typedef struct {
    const char *name;   /* "vehicle_category" */
    s_entry_t *entries; /* in file order */
    size_t count;
} s_enum_t;

typedef enum { S_KEY_CODE, S_KEY_NAME, S_KEY_SYNONYM } s_key_kind_t;

typedef struct {
    const char *key; /* NULL: empty slot */
    uint32_t hash;
    uint32_t entry; /* index into the table's entries */
    uint16_t len;
    uint8_t table; /* index into enums */
    uint8_t kind;  /* s_key_kind_t */
} s_slot_t;

typedef struct {
    uint32_t old;    /* abolished code */
    uint32_t region; /* index of today's region */
} s_succession_t;

struct _codebook_t {
    uint8_t digest[32]; /* SHA-256 over every table file: codebook_digest () */
    char *arena;        /* every table's text, split in place */
    s_table_t *tables;  /* every table file */
    size_t table_count;
    codebook_region_t *regions; /* sorted by code */
    uint32_t *region_keys;      /* the codes as integers, same order */
    size_t region_count;
    s_succession_t *succession; /* sorted by old code */
    size_t succession_count;
    s_enum_t *enums;
    size_t enum_count;
    s_slot_t *slots; /* open addressing, power-of-two size */
    size_t slot_mask;
};

/* --- reading a table file ------------------------------------------------ */

typedef struct {
    const char *path; /* for messages */
    char *cursor;     /* start of the next line */
    char *end;
    size_t line;    /* 1-based number of the current line */
    size_t columns; /* of the header */
    char *fields[S_MAX_COLUMNS];
} s_reader_t;

static void
s_fail (const s_reader_t *reader, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    fprintf (stderr, "codebook: %s:%zu: ", reader->path, reader->line);
    vfprintf (stderr, format, args);
    fputc ('\n', stderr);
    va_end (args);
}

/* Takes the next line (without its newline) or returns NULL at the end. */
static char *
s_take_line (s_reader_t *reader)
{
    if (reader->cursor >= reader->end)
        return NULL;
    char *line = reader->cursor;
    char *newline = memchr (line, '\n', (size_t)(reader->end - line));
    if (newline) {
        *newline = '\0';
        reader->cursor = newline + 1;
    }
    else
        reader->cursor = reader->end;
    reader->line++;
    return line;
}

/* Splits line into fields at tabs; returns the number of fields, or 0 if
   there are more than S_MAX_COLUMNS. */
static size_t
s_split (s_reader_t *reader, char *line)
{
    size_t count = 0;
    for (char *field = line;; count++) {
        if (count == S_MAX_COLUMNS)
            return 0;
        reader->fields[count] = field;
        char *tab = strchr (field, '\t');
        if (!tab)
            return count + 1;
        *tab = '\0';
        field = tab + 1;
    }
}

/* Copies the blob into the arena at *arena (advanced past it), checks the
   version line ("# <table> ...", table being the path without ".tsv") and
   the header, whose first columns must be `expected`. */
static int
s_reader_open (s_reader_t *reader, const codebook_blob_t *blob, char **arena,
               const char *table, const char *const *expected, s_table_t *info)
{
    memset (reader, 0, sizeof *reader);
    reader->path = blob->path;
    char *text = *arena;
    memcpy (text, blob->data, blob->size);
    text[blob->size] = '\0';
    *arena += blob->size + 1;
    reader->cursor = text;
    reader->end = text + blob->size;
    reader->line = 0;
    const char *bad = memchr (text, '\0', blob->size);
    if (!bad)
        bad = memchr (text, '\r', blob->size);
    if (bad) {
        reader->line = 1;
        for (const char *p = text; p < bad; p++)
            reader->line += *p == '\n';
        s_fail (reader, *bad ? "carriage return (write LF line ends)" : "NUL byte");
        return -1;
    }
    char *line = s_take_line (reader);
    size_t name_len = strlen (table);
    if (!line || strncmp (line, "# ", 2) != 0 || strncmp (line + 2, table, name_len) != 0 ||
        line[2 + name_len] != ' ') {
        reader->line = 1;
        s_fail (reader, "the first line must be '# %s <version> <standard>'", table);
        return -1;
    }
    info->version = line + 2;
    while ((line = s_take_line (reader)) && line[0] == '#')
        ;
    if (!line) {
        s_fail (reader, "no header line");
        return -1;
    }
    reader->columns = s_split (reader, line);
    size_t want = 0;
    while (expected[want])
        want++;
    bool ok = reader->columns >= want;
    for (size_t i = 0; ok && i < reader->columns; i++)
        ok = i < want ? strcmp (reader->fields[i], expected[i]) == 0 : reader->fields[i][0];
    if (!ok) {
        char names[128] = "";
        for (size_t i = 0; i < want; i++)
            snprintf (names + strlen (names), sizeof names - strlen (names), "%s%s",
                      i ? "\\t" : "", expected[i]);
        s_fail (reader, "the header must be %s (extra columns named)", names);
        return -1;
    }
    return 0;
}

/* Reads the next row into reader->fields: 1 for a row, 0 at the end, -1
   after printing why the row is malformed. '#' lines are comments. */
static int
s_reader_next (s_reader_t *reader)
{
    char *line;
    while ((line = s_take_line (reader)) && line[0] == '#')
        ;
    if (!line)
        return 0;
    if (!line[0]) {
        s_fail (reader, "empty line");
        return -1;
    }
    size_t count = s_split (reader, line);
    if (count != reader->columns) {
        s_fail (reader, "%s%zu columns, the header has %zu", count ? "" : "more than ",
                count ? count : S_MAX_COLUMNS, reader->columns);
        return -1;
    }
    return 1;
}

/* Rows a blob can hold at most: one per newline, plus an unterminated last. */
static size_t
s_max_rows (const codebook_blob_t *blob)
{
    size_t rows = 1;
    for (const char *p = blob->data;
         (p = memchr (p, '\n', blob->size - (size_t)(p - blob->data))); p++)
        rows++;
    return rows;
}

/* --- regions ------------------------------------------------------------- */

static bool
s_is_code6 (const char *text)
{
    for (int i = 0; i < 6; i++)
        if (text[i] < '0' || text[i] > '9')
            return false;
    return text[6] == '\0';
}

static uint32_t
s_code6_value (const char *text)
{
    uint32_t value = 0;
    for (int i = 0; i < 6; i++)
        value = value * 10 + (uint32_t)(text[i] - '0');
    return value;
}

/* Index of the region with this code, or -1. */
static ptrdiff_t
s_region_index (const codebook_t *self, uint32_t key)
{
    size_t low = 0, high = self->region_count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (self->region_keys[mid] < key)
            low = mid + 1;
        else if (self->region_keys[mid] > key)
            high = mid;
        else
            return (ptrdiff_t)mid;
    }
    return -1;
}

/* Where the structure of a code and its level disagree (370100 at level 3,
   a county outside its city's code range), returns why; else NULL. */
static const char *
s_region_shape (const codebook_region_t *region, const codebook_region_t *parent)
{
    const char *code = region->code;
    switch (region->level) {
        case 1:
            return memcmp (code + 2, "0000", 4) == 0 ? NULL
                                                     : "a province code ends in 0000";
        case 2:
            if (memcmp (code + 4, "00", 2) != 0 || memcmp (code + 2, "00", 2) == 0)
                return "a city code ends in 00, not 0000";
            return memcmp (code, parent->code, 2) == 0
                       ? NULL
                       : "a city code starts with its province's";
        default:
            if (memcmp (code + 4, "00", 2) == 0)
                return "a county code does not end in 00";
            return memcmp (code, parent->code, 4) == 0
                       ? NULL
                       : "a county code starts with its city's";
    }
}

static int
s_load_regions (codebook_t *self, const codebook_blob_t *blob, char **arena,
                s_table_t *info)
{
    static const char *const header[] = {"code", "name", "parent", "level", NULL};
    s_reader_t reader;
    if (s_reader_open (&reader, blob, arena, "regions", header, info))
        return -1;
    size_t capacity = s_max_rows (blob);
    self->regions = yw_calloc (capacity, sizeof *self->regions);
    self->region_keys = yw_calloc (capacity, sizeof *self->region_keys);
    /* line of each region, for messages about parents */
    size_t *lines = yw_calloc (capacity, sizeof *lines);
    int rc = -1;
    int more;
    while ((more = s_reader_next (&reader)) == 1) {
        char **field = reader.fields;
        codebook_region_t *region = &self->regions[self->region_count];
        if (!s_is_code6 (field[0])) {
            s_fail (&reader, "code \"%s\" is not 6 digits", field[0]);
            goto cleanup;
        }
        uint32_t key = s_code6_value (field[0]);
        if (self->region_count && key <= self->region_keys[self->region_count - 1]) {
            s_fail (&reader, "code %s is not after %s (sorted by code, once each)",
                    field[0], self->regions[self->region_count - 1].code);
            goto cleanup;
        }
        if (!field[1][0]) {
            s_fail (&reader, "region %s has no name", field[0]);
            goto cleanup;
        }
        if (strlen (field[3]) != 1 || field[3][0] < '1' || field[3][0] > '3') {
            s_fail (&reader, "level \"%s\" is not 1, 2 or 3", field[3]);
            goto cleanup;
        }
        region->level = field[3][0] - '0';
        if (region->level == 1 ? field[2][0] != '\0' : !s_is_code6 (field[2])) {
            s_fail (&reader, "parent \"%s\": a province has none, others a 6-digit code",
                    field[2]);
            goto cleanup;
        }
        region->code = field[0];
        region->name = field[1];
        region->parent = field[2];
        lines[self->region_count] = reader.line;
        self->region_keys[self->region_count++] = key;
    }
    if (more < 0)
        goto cleanup;
    for (size_t i = 0; i < self->region_count; i++) {
        codebook_region_t *region = &self->regions[i];
        const codebook_region_t *parent = NULL;
        reader.line = lines[i];
        if (region->level > 1) {
            ptrdiff_t index = s_region_index (self, s_code6_value (region->parent));
            if (index < 0) {
                s_fail (&reader, "parent %s of %s is not in the table", region->parent,
                        region->code);
                goto cleanup;
            }
            parent = &self->regions[index];
            if (parent->level != region->level - 1) {
                s_fail (&reader, "parent %s of %s is at level %d, not %d", parent->code,
                        region->code, parent->level, region->level - 1);
                goto cleanup;
            }
        }
        const char *why = s_region_shape (region, parent);
        if (why) {
            s_fail (&reader, "%s at level %d: %s", region->code, region->level, why);
            goto cleanup;
        }
    }
    rc = 0;
cleanup:
    free (lines);
    return rc;
}

static int
s_compare_succession (const void *a, const void *b)
{
    uint32_t x = ((const s_succession_t *)a)->old, y = ((const s_succession_t *)b)->old;
    return x < y ? -1 : x > y;
}

static ptrdiff_t
s_succession_index (const codebook_t *self, uint32_t old)
{
    s_succession_t key = {old, 0};
    const s_succession_t *found = bsearch (&key, self->succession, self->succession_count,
                                           sizeof key, s_compare_succession);
    return found ? found - self->succession : -1;
}

static int
s_load_succession (codebook_t *self, const codebook_blob_t *blob, char **arena,
                   s_table_t *info)
{
    static const char *const header[] = {"old", "new", "year", "note", NULL};
    s_reader_t reader;
    if (s_reader_open (&reader, blob, arena, "region_succession", header, info))
        return -1;
    size_t capacity = s_max_rows (blob);
    self->succession = yw_calloc (capacity, sizeof *self->succession);
    /* successor codes and lines until every chain is resolved */
    uint32_t *next = yw_calloc (capacity, sizeof *next);
    size_t *lines = yw_calloc (capacity, sizeof *lines);
    int rc = -1;
    int more;
    while ((more = s_reader_next (&reader)) == 1) {
        char **field = reader.fields;
        if (!s_is_code6 (field[0]) || !s_is_code6 (field[1])) {
            s_fail (&reader, "old \"%s\" and new \"%s\" must be 6-digit codes", field[0],
                    field[1]);
            goto cleanup;
        }
        if (strlen (field[2]) != 4 || strspn (field[2], "0123456789") != 4) {
            s_fail (&reader, "year \"%s\" is not 4 digits", field[2]);
            goto cleanup;
        }
        uint32_t old = s_code6_value (field[0]);
        if (s_region_index (self, old) >= 0) {
            s_fail (&reader, "old code %s is a current region of regions.tsv", field[0]);
            goto cleanup;
        }
        if (self->succession_count &&
            old <= self->succession[self->succession_count - 1].old) {
            s_fail (&reader,
                    "old code %s is not after the row before (sorted by old, once each)",
                    field[0]);
            goto cleanup;
        }
        lines[self->succession_count] = reader.line;
        next[self->succession_count] = s_code6_value (field[1]);
        self->succession[self->succession_count++].old = old;
    }
    if (more < 0)
        goto cleanup;
    /* Resolve each chain to a current region; a chain longer than the table
       has a cycle. */
    for (size_t i = 0; i < self->succession_count; i++) {
        uint32_t code = next[i];
        size_t steps = 0;
        ptrdiff_t region;
        reader.line = lines[i];
        while ((region = s_region_index (self, code)) < 0) {
            ptrdiff_t row = s_succession_index (self, code);
            if (row < 0) {
                s_fail (&reader, "successor %06u is neither a region nor an old code",
                        (unsigned)code);
                goto cleanup;
            }
            if (++steps > self->succession_count) {
                s_fail (&reader, "succession of %06u goes round in a cycle",
                        (unsigned)self->succession[i].old);
                goto cleanup;
            }
            code = next[row];
        }
        self->succession[i].region = (uint32_t)region;
    }
    rc = 0;
cleanup:
    free (next);
    free (lines);
    return rc;
}

/* --- enumerations -------------------------------------------------------- */

static inline unsigned char
s_fold (unsigned char c)
{
    return c >= 'a' && c <= 'z' ? (unsigned char)(c - 'a' + 'A') : c;
}

/* FNV-1a over the table index and the ASCII-upper-cased value. */
static uint32_t
s_hash (size_t table, const char *value, size_t *len)
{
    uint32_t hash = 2166136261u;
    hash = (hash ^ (uint32_t)table) * 16777619u;
    const unsigned char *p = (const unsigned char *)value;
    for (; *p; p++)
        hash = (hash ^ s_fold (*p)) * 16777619u;
    *len = (size_t)(p - (const unsigned char *)value);
    return hash;
}

static bool
s_fold_equal (const char *a, const char *b, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s_fold ((unsigned char)a[i]) != s_fold ((unsigned char)b[i]))
            return false;
    return true;
}

static const s_slot_t *
s_slot_find (const codebook_t *self, size_t table, const char *value)
{
    size_t len;
    uint32_t hash = s_hash (table, value, &len);
    for (size_t i = hash & self->slot_mask;; i = (i + 1) & self->slot_mask) {
        const s_slot_t *slot = &self->slots[i];
        if (!slot->key)
            return NULL;
        if (slot->hash == hash && slot->table == table && slot->len == len &&
            s_fold_equal (slot->key, value, len))
            return slot;
    }
}

/* Adds a key; if the table already has it (ignoring ASCII case), reports the
   clash and returns -1. */
static int
s_slot_add (codebook_t *self, const s_reader_t *reader, size_t table, const char *key,
            size_t entry, s_key_kind_t kind)
{
    const s_slot_t *clash = s_slot_find (self, table, key);
    if (clash) {
        static const char *const kinds[] = {"code", "name", "synonym"};
        s_fail (reader,
                "\"%s\" is already a %s of %s (for %s); values must be unique, "
                "ASCII case ignored",
                key, kinds[clash->kind], self->enums[table].name,
                self->enums[table].entries[clash->entry].code);
        return -1;
    }
    size_t len;
    uint32_t hash = s_hash (table, key, &len);
    size_t i = hash & self->slot_mask;
    while (self->slots[i].key)
        i = (i + 1) & self->slot_mask;
    self->slots[i] = (s_slot_t){key,           hash,           (uint32_t)entry,
                                (uint16_t)len, (uint8_t)table, (uint8_t)kind};
    return 0;
}

/* A value as the normalizer leaves it: NFKC, trimmed, inner runs of spaces
   folded. Anything else could never match what a lookup is given. */
static int
s_check_normal (const s_reader_t *reader, const char *what, const char *value)
{
    char normal[S_VALUE_MAX + 1];
    size_t len = strlen (value);
    if (!len || len > S_VALUE_MAX) {
        s_fail (reader, "%s \"%s\" is empty or longer than %d bytes", what, value,
                S_VALUE_MAX);
        return -1;
    }
    if (codebook_norm_text (value, len, normal, sizeof normal, NULL) != YW_R_OK ||
        strcmp (normal, value) != 0) {
        s_fail (reader, "%s \"%s\" is not in normal form (NFKC, trimmed, single spaces)",
                what, value);
        return -1;
    }
    return 0;
}

static int
s_load_enum (codebook_t *self, const codebook_blob_t *blob, char **arena, s_table_t *info)
{
    static const char *const header[] = {"code", "name", NULL};
    s_reader_t reader;
    if (s_reader_open (&reader, blob, arena, info->name, header, info))
        return -1;
    size_t table = self->enum_count++;
    s_enum_t *current = &self->enums[table];
    current->name = info->name;
    current->entries = yw_calloc (s_max_rows (blob), sizeof *current->entries);
    int more;
    while ((more = s_reader_next (&reader)) == 1) {
        const char *code = reader.fields[0];
        const char *name = reader.fields[1];
        size_t len = strlen (code);
        if (!len || len > S_CODE_MAX ||
            strspn (code, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") != len) {
            s_fail (&reader, "code \"%s\" is not 1 to %d of 0-9 A-Z", code, S_CODE_MAX);
            return -1;
        }
        if (s_check_normal (&reader, "name", name))
            return -1;
        size_t entry = current->count++;
        current->entries[entry] = (s_entry_t){code, name};
        if (s_slot_add (self, &reader, table, code, entry, S_KEY_CODE) ||
            s_slot_add (self, &reader, table, name, entry, S_KEY_NAME))
            return -1;
    }
    if (more < 0)
        return -1;
    if (!current->count) {
        s_fail (&reader, "no codes");
        return -1;
    }
    return 0;
}

static ptrdiff_t
s_enum_index (const codebook_t *self, const char *table)
{
    for (size_t i = 0; i < self->enum_count; i++)
        if (self->enums[i].name == table ||
            (self->enums[i].name[0] == table[0] && self->enums[i].name[1] == table[1] &&
             strcmp (self->enums[i].name, table) == 0))
            return (ptrdiff_t)i;   /* first bytes first: this runs per enum value */
    return -1;
}

static int
s_load_synonyms (codebook_t *self, const codebook_blob_t *blob, char **arena,
                 s_table_t *info)
{
    static const char *const header[] = {"value", "code", NULL};
    s_reader_t reader;
    if (s_reader_open (&reader, blob, arena, info->name, header, info))
        return -1;
    ptrdiff_t table = s_enum_index (self, info->name + strlen (S_SYNONYMS));
    if (table < 0) {
        s_fail (&reader, "no table %s.tsv for these synonyms",
                info->name + strlen (S_SYNONYMS));
        return -1;
    }
    int more;
    while ((more = s_reader_next (&reader)) == 1) {
        const char *value = reader.fields[0];
        const char *code = reader.fields[1];
        const s_slot_t *target = s_slot_find (self, (size_t)table, code);
        if (!target || target->kind != S_KEY_CODE || strcmp (target->key, code) != 0) {
            s_fail (&reader, "code \"%s\" is not a code of %s", code,
                    self->enums[table].name);
            return -1;
        }
        if (s_check_normal (&reader, "value", value) ||
            s_slot_add (self, &reader, (size_t)table, value, target->entry, S_KEY_SYNONYM))
            return -1;
    }
    return more < 0 ? -1 : 0;
}

/* --- the codebook -------------------------------------------------------- */

static bool
s_ends_with (const char *text, const char *suffix)
{
    size_t len = strlen (text), slen = strlen (suffix);
    return len >= slen && strcmp (text + len - slen, suffix) == 0;
}

const uint8_t *
codebook_digest (const codebook_t *self)
{
    assert (self);
    return self->digest;
}

codebook_t *
codebook_new (void)
{
    return codebook_new_from_blobs (codebook_blobs);
}

codebook_t *
codebook_new_from_blobs (const codebook_blob_t *blobs)
{
    assert (blobs);
    codebook_t *self = yw_calloc (1, sizeof *self);
    size_t bytes = 0, keys = 0;
    const codebook_blob_t *regions = NULL, *succession = NULL;
    for (const codebook_blob_t *blob = blobs; blob->path; blob++) {
        if (!s_ends_with (blob->path, ".tsv")) {
            fprintf (stderr, "codebook: %s: not a .tsv table\n", blob->path);
            goto failed;
        }
        bytes += blob->size + 1;
        self->table_count++;
        if (strcmp (blob->path, S_REGIONS) == 0)
            regions = blob;
        else if (strcmp (blob->path, S_SUCCESSION) == 0)
            succession = blob;
        else
            keys += 2 * s_max_rows (blob); /* code and name per row */
    }
    if (!regions || !succession) {
        fprintf (stderr, "codebook: %s and %s must be compiled in\n", S_REGIONS,
                 S_SUCCESSION);
        goto failed;
    }
    /* the digest: each table's path (with its NUL), size and bytes */
    yw_piece_t *pieces = yw_malloc (3 * self->table_count * sizeof *pieces);
    uint8_t (*sizes)[8] = yw_malloc (self->table_count * sizeof *sizes);
    for (size_t i = 0; i < self->table_count; i++) {
        for (int k = 0; k < 8; k++)
            sizes[i][k] = (uint8_t)((uint64_t)blobs[i].size >> (56 - 8 * k));
        pieces[3 * i] = (yw_piece_t){blobs[i].path, strlen (blobs[i].path) + 1};
        pieces[3 * i + 1] = (yw_piece_t){sizes[i], 8};
        pieces[3 * i + 2] = (yw_piece_t){blobs[i].data, blobs[i].size};
    }
    yw_sha256_pieces (pieces, 3 * self->table_count, self->digest);
    free (pieces);
    free (sizes);
    self->arena = yw_malloc (bytes);
    self->tables = yw_calloc (self->table_count, sizeof *self->tables);
    self->enums = yw_calloc (S_MAX_ENUMS, sizeof *self->enums);
    size_t slots = 64;
    while (slots < 2 * keys)
        slots *= 2;
    self->slots = yw_calloc (slots, sizeof *self->slots);
    self->slot_mask = slots - 1;

    for (size_t i = 0; i < self->table_count; i++) {
        const char *path = blobs[i].path;
        self->tables[i].name = yw_strndup (path, strlen (path) - strlen (".tsv"));
    }
    /* regions before succession, tables before their synonyms */
    char *arena = self->arena;
    if (s_load_regions (self, regions, &arena, &self->tables[regions - blobs]) ||
        s_load_succession (self, succession, &arena, &self->tables[succession - blobs]))
        goto failed;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < self->table_count; i++) {
            const codebook_blob_t *blob = &blobs[i];
            s_table_t *info = &self->tables[i];
            if (blob == regions || blob == succession)
                continue;
            bool synonyms = strncmp (blob->path, S_SYNONYMS, strlen (S_SYNONYMS)) == 0;
            if (synonyms != (pass == 1))
                continue;
            const char *base = synonyms ? blob->path + strlen (S_SYNONYMS) : blob->path;
            if (strchr (base, '/')) {
                fprintf (stderr,
                         "codebook: %s: not a table path (NAME.tsv or %sNAME.tsv)\n",
                         blob->path, S_SYNONYMS);
                goto failed;
            }
            if (!synonyms && self->enum_count == S_MAX_ENUMS) {
                fprintf (stderr, "codebook: %s: more than %d tables\n", blob->path,
                         S_MAX_ENUMS);
                goto failed;
            }
            if (synonyms ? s_load_synonyms (self, blob, &arena, info)
                         : s_load_enum (self, blob, &arena, info))
                goto failed;
        }
    }
    return self;
failed:
    codebook_destroy (&self);
    return NULL;
}

void
codebook_destroy (codebook_t **self_p)
{
    assert (self_p);
    codebook_t *self = *self_p;
    if (!self)
        return;
    for (size_t i = 0; self->tables && i < self->table_count; i++)
        free (self->tables[i].name);
    for (size_t i = 0; i < self->enum_count; i++)
        free (self->enums[i].entries);
    free (self->tables);
    free (self->enums);
    free (self->slots);
    free (self->regions);
    free (self->region_keys);
    free (self->succession);
    free (self->arena);
    free (self);
    *self_p = NULL;
}

const char *
codebook_table_version (const codebook_t *self, const char *table)
{
    assert (self && table);
    for (size_t i = 0; i < self->table_count; i++)
        if (strcmp (self->tables[i].name, table) == 0)
            return self->tables[i].version;
    return NULL;
}

const char *
codebook_table_at (const codebook_t *self, size_t index)
{
    assert (self);
    return index < self->table_count ? self->tables[index].name : NULL;
}

/* --- regions ------------------------------------------------------------- */

const codebook_region_t *
codebook_region (const codebook_t *self, const char *code)
{
    assert (self && code);
    if (!s_is_code6 (code))
        return NULL;
    ptrdiff_t index = s_region_index (self, s_code6_value (code));
    return index < 0 ? NULL : &self->regions[index];
}

const codebook_region_t *
codebook_region_resolve (const codebook_t *self, const char *code, yw_reason_t *reason)
{
    assert (self && code);
    const codebook_region_t *region = NULL;
    if (s_is_code6 (code)) {
        uint32_t key = s_code6_value (code);
        ptrdiff_t index = s_region_index (self, key);
        if (index >= 0)
            region = &self->regions[index];
        else if ((index = s_succession_index (self, key)) >= 0)
            region = &self->regions[self->succession[index].region];
    }
    if (reason)
        *reason = region ? YW_R_OK : YW_R_REGION_UNKNOWN;
    return region;
}

bool
codebook_region_within (const char *region, const char *jurisdiction)
{
    assert (region && jurisdiction);
    if (!s_is_code6 (region) || !s_is_code6 (jurisdiction))
        return false;
    size_t prefix = memcmp (jurisdiction + 2, "0000", 4) == 0 ? 2
                    : memcmp (jurisdiction + 4, "00", 2) == 0 ? 4
                                                              : 6;
    return memcmp (region, jurisdiction, prefix) == 0;
}

yw_reason_t
codebook_region_validate (const codebook_t *self, const char *code,
                          const char *jurisdiction, const codebook_region_t **current)
{
    yw_reason_t reason;
    const codebook_region_t *region = codebook_region_resolve (self, code, &reason);
    if (current)
        *current = region;
    if (region && jurisdiction && !codebook_region_within (region->code, jurisdiction))
        reason = YW_R_REGION_OUTSIDE;
    return reason;
}

size_t
codebook_region_count (const codebook_t *self)
{
    assert (self);
    return self->region_count;
}

const codebook_region_t *
codebook_region_at (const codebook_t *self, size_t index)
{
    assert (self);
    return index < self->region_count ? &self->regions[index] : NULL;
}

/* --- enumerations -------------------------------------------------------- */

bool
codebook_has_enum (const codebook_t *self, const char *table)
{
    assert (self && table);
    return s_enum_index (self, table) >= 0;
}

const char *
codebook_enum_lookup (const codebook_t *self, const char *table, const char *value)
{
    assert (self && table && value);
    ptrdiff_t index = s_enum_index (self, table);
    if (index < 0)
        return NULL;
    const s_slot_t *slot = s_slot_find (self, (size_t)index, value);
    return slot ? self->enums[index].entries[slot->entry].code : NULL;
}

const char *
codebook_enum_name (const codebook_t *self, const char *table, const char *code)
{
    assert (self && table && code);
    ptrdiff_t index = s_enum_index (self, table);
    if (index < 0)
        return NULL;
    const s_slot_t *slot = s_slot_find (self, (size_t)index, code);
    if (!slot || slot->kind != S_KEY_CODE)
        return NULL;
    return self->enums[index].entries[slot->entry].name;
}

const char *
codebook_enum_code_at (const codebook_t *self, const char *table, size_t index)
{
    assert (self && table);
    ptrdiff_t table_index = s_enum_index (self, table);
    if (table_index < 0 || index >= self->enums[table_index].count)
        return NULL;
    return self->enums[table_index].entries[index].code;
}
