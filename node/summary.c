/*  summary.c - what a store holds, by region (see summary.h). */
#include <stdlib.h>
#include <string.h>

#include "summary.h"
#include "yw.h"

/* Code tables are small (vehicle_category has 5 codes, vehicle_status 4,
   reason codes about 30); a code past this many distinct ones is counted as
   "?" so that a damaged store cannot grow a tally. */
#define S_TALLY_MAX 48
#define S_TALLY_CODE 32 /* reason codes of external adapters: up to 31 bytes */

typedef struct {
    char code[S_TALLY_CODE];
    uint64_t count;
} s_tally_t;

typedef struct {
    s_tally_t entry[S_TALLY_MAX];
    size_t count;
} s_tallies_t;

typedef struct {
    char code[YW_REGION_SIZE];
    const codebook_region_t *region; /* NULL: not in the codebook */
    uint64_t live, deleted, findings;
    uint64_t vehicles;
    s_tallies_t category, status;
    uint64_t buildings;
    int64_t building_area, office_room_area, land_area; /* 0.01 m2 */
    uint64_t filings;
    int64_t guests, total_cost; /* total_cost in fen */
} s_region_t;

typedef struct {
    char object_code[YW_OBJECT_CODE_SIZE];
    char region_code[YW_REGION_SIZE];
    unsigned live_claims;
} s_finding_t;

struct _summary_t {
    const codebook_t *codebook;
    char node_id[YW_NODE_ID_SIZE];
    s_region_t *regions; /* sorted by code */
    size_t region_count, region_alloc;
    uint64_t live, deleted, findings;
    s_finding_t finding[SUMMARY_MAX_FINDINGS];
    size_t finding_count;
    s_tallies_t *rejections;
    uint64_t rejected;
};

summary_t *
summary_new (const codebook_t *codebook)
{
    summary_t *self = yw_calloc (1, sizeof *self);
    self->codebook = codebook;
    self->rejections = yw_calloc (1, sizeof *self->rejections);
    return self;
}

void
summary_destroy (summary_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    summary_t *self = *self_p;
    free (self->regions);
    free (self->rejections);
    free (self);
    *self_p = NULL;
}

static void
s_tally (s_tallies_t *tallies, const char *code, uint64_t count)
{
    if (!*code)
        code = "?";
    for (size_t i = 0; i < tallies->count; i++)
        if (strcmp (tallies->entry[i].code, code) == 0) {
            tallies->entry[i].count += count;
            return;
        }
    if (tallies->count == S_TALLY_MAX) {
        /* Full: the last entry becomes "?" (keeping its count) and takes
           every code that has no room. */
        s_tally_t *last = &tallies->entry[S_TALLY_MAX - 1];
        snprintf (last->code, sizeof last->code, "?");
        last->count += count;
        return;
    }
    s_tally_t *entry = &tallies->entry[tallies->count++];
    snprintf (entry->code, sizeof entry->code, "%s", code);
    entry->count = count;
}

static uint64_t
s_tally_get (const s_tallies_t *tallies, const char *code)
{
    for (size_t i = 0; i < tallies->count; i++)
        if (strcmp (tallies->entry[i].code, code) == 0)
            return tallies->entry[i].count;
    return 0;
}

/* The region entry for code, made on first use. */
static s_region_t *
s_region (summary_t *self, const char *code)
{
    size_t low = 0, high = self->region_count;
    while (low < high) {
        size_t middle = (low + high) / 2;
        int order = strcmp (self->regions[middle].code, code);
        if (order == 0)
            return &self->regions[middle];
        if (order < 0)
            low = middle + 1;
        else
            high = middle;
    }
    if (self->region_count == self->region_alloc) {
        self->region_alloc = self->region_alloc ? self->region_alloc * 2 : 16;
        self->regions =
            yw_realloc (self->regions, self->region_alloc * sizeof *self->regions);
    }
    memmove (&self->regions[low + 1], &self->regions[low],
             (self->region_count - low) * sizeof *self->regions);
    self->region_count++;
    s_region_t *region = &self->regions[low];
    memset (region, 0, sizeof *region);
    snprintf (region->code, sizeof region->code, "%s", code);
    region->region = codebook_region (self->codebook, code);
    return region;
}

/* Adds the object to its region and every region above it. */
static void
s_count (summary_t *self, const char *region_code, const store_object_t *info,
         const yw_record_t *record)
{
    const char *code = region_code;
    /* A region's parents are at most province <- city <- county; the bound
       only guards against a cycle in a damaged table. */
    for (int depth = 0; depth < 4 && code && *code; depth++) {
        s_region_t *region = s_region (self, code);
        if (info->deleted)
            region->deleted++;
        else {
            region->live++;
            region->findings += info->live_claims > 1;
            switch (record ? record->kind : YW_KIND_NONE) {
                case YW_KIND_VEHICLE:
                    region->vehicles++;
                    s_tally (&region->category, record->body.vehicle.category, 1);
                    s_tally (&region->status, record->body.vehicle.status, 1);
                    break;
                case YW_KIND_OFFICE_BUILDING:
                    region->buildings++;
                    region->building_area += record->body.building.building_area;
                    region->office_room_area += record->body.building.office_room_area;
                    region->land_area += record->body.building.land_area;
                    break;
                case YW_KIND_RECEPTION_FILING:
                    region->filings++;
                    region->guests += record->body.filing.guests;
                    region->total_cost += record->body.filing.total_cost;
                    break;
                default: break;
            }
        }
        code = region->region ? region->region->parent : NULL;
    }
}

void
summary_add (summary_t *self, const char *object_code, const store_object_t *info,
             const yw_record_t *record)
{
    if (info->deleted) {
        self->deleted++;
        s_count (self, info->region_code, info, NULL);
        return;
    }
    self->live++;
    if (info->live_claims > 1) {
        self->findings++;
        if (self->finding_count < SUMMARY_MAX_FINDINGS) {
            s_finding_t *finding = &self->finding[self->finding_count++];
            snprintf (finding->object_code, sizeof finding->object_code, "%s", object_code);
            snprintf (finding->region_code, sizeof finding->region_code, "%s",
                      info->region_code);
            finding->live_claims = info->live_claims;
        }
    }
    s_count (self, record ? record->region_code : info->region_code, info, record);
}

void
summary_add_rejection (summary_t *self, const char *reason)
{
    self->rejected++;
    s_tally (self->rejections, reason, 1);
}

/* ------------------------------------------------------------- loading */

typedef struct {
    const char *prefix;
    size_t prefix_size;
    summary_t *summary;
    char (*codes)[YW_OBJECT_CODE_SIZE]; /* live objects, read after the walk */
    size_t count, alloc;
} s_walk_t;

static int
s_walk_object (void *arg, const char *object_code, const store_object_t *info)
{
    s_walk_t *walk = arg;
    if (strncmp (info->region_code, walk->prefix, walk->prefix_size) != 0)
        return 0;
    if (info->deleted) {
        summary_add (walk->summary, object_code, info, NULL);
        return 0;
    }
    /* store_get () cannot run inside the walk's read transaction (the store
       has one reader slot per handle), so live codes are read after it. */
    if (walk->count == walk->alloc) {
        walk->alloc = walk->alloc ? walk->alloc * 2 : 1024;
        walk->codes = yw_realloc (walk->codes, walk->alloc * sizeof *walk->codes);
    }
    snprintf (walk->codes[walk->count++], YW_OBJECT_CODE_SIZE, "%s", object_code);
    return 0;
}

static int
s_walk_reject (void *arg, const store_reject_t *reject)
{
    summary_add_rejection (arg, reject->row.reason ? reject->row.reason : "");
    return 0;
}

int
summary_load (summary_t *self, store_t *store, const char *prefix)
{
    snprintf (self->node_id, sizeof self->node_id, "%s", store_node_id (store));
    s_walk_t walk = {prefix ? prefix : "", prefix ? strlen (prefix) : 0, self, NULL, 0, 0};
    int rc = store_each_object (store, s_walk_object, &walk);
    yw_record_t *record = yw_malloc (sizeof *record);
    store_object_t info;
    for (size_t i = 0; rc == 0 && i < walk.count; i++) {
        int got = store_get (store, walk.codes[i], record, &info);
        if (got == YW_ENOTFOUND)
            continue;
        if (got)
            rc = got;
        else if (strncmp (info.region_code, walk.prefix, walk.prefix_size) == 0)
            summary_add (self, walk.codes[i], &info, info.deleted ? NULL : record);
    }
    free (record);
    free (walk.codes);
    if (rc == 0)
        rc = store_rejects_each (store, 0, s_walk_reject, self);
    return rc;
}

/* ---------------------------------------------------------------- JSON */

static json_t *
s_tallies_json (const s_tallies_t *tallies, const codebook_t *codebook, const char *table)
{
    json_t *object = json_object ();
    /* Every code of the table, in table order, then anything else. */
    for (size_t i = 0; table && codebook_enum_code_at (codebook, table, i); i++) {
        const char *code = codebook_enum_code_at (codebook, table, i);
        json_object_set_new (object, code,
                             json_integer ((json_int_t)s_tally_get (tallies, code)));
    }
    for (size_t i = 0; i < tallies->count; i++)
        if (!json_object_get (object, tallies->entry[i].code))
            json_object_set_new (object, tallies->entry[i].code,
                                 json_integer ((json_int_t)tallies->entry[i].count));
    return object;
}

json_t *
summary_json (const summary_t *self)
{
    json_t *root = json_object ();
    json_object_set_new (root, "node_id", json_string (self->node_id));
    json_object_set_new (root, "live", json_integer ((json_int_t)self->live));
    json_object_set_new (root, "deleted", json_integer ((json_int_t)self->deleted));
    json_object_set_new (root, "findings", json_integer ((json_int_t)self->findings));
    json_t *regions = json_array ();
    for (size_t i = 0; i < self->region_count; i++) {
        const s_region_t *r = &self->regions[i];
        json_t *region = json_object ();
        json_object_set_new (region, "region_code", json_string (r->code));
        json_object_set_new (region, "name",
                             json_string (r->region ? r->region->name : ""));
        json_object_set_new (region, "level",
                             json_integer (r->region ? r->region->level : 0));
        json_object_set_new (region, "parent",
                             json_string (r->region ? r->region->parent : ""));
        json_object_set_new (region, "live", json_integer ((json_int_t)r->live));
        json_object_set_new (region, "deleted", json_integer ((json_int_t)r->deleted));
        json_object_set_new (region, "findings", json_integer ((json_int_t)r->findings));
        json_t *vehicle = json_object ();
        json_object_set_new (vehicle, "count", json_integer ((json_int_t)r->vehicles));
        json_object_set_new (
            vehicle, "category",
            s_tallies_json (&r->category, self->codebook, "vehicle_category"));
        json_object_set_new (vehicle, "status",
                             s_tallies_json (&r->status, self->codebook, "vehicle_status"));
        json_object_set_new (region, "vehicle", vehicle);
        json_t *building = json_object ();
        json_object_set_new (building, "count", json_integer ((json_int_t)r->buildings));
        json_object_set_new (building, "building_area", json_integer (r->building_area));
        json_object_set_new (building, "office_room_area",
                             json_integer (r->office_room_area));
        json_object_set_new (building, "land_area", json_integer (r->land_area));
        json_object_set_new (region, "office_building", building);
        json_t *filing = json_object ();
        json_object_set_new (filing, "count", json_integer ((json_int_t)r->filings));
        json_object_set_new (filing, "guests", json_integer (r->guests));
        json_object_set_new (filing, "total_cost", json_integer (r->total_cost));
        json_object_set_new (region, "reception_filing", filing);
        json_array_append_new (regions, region);
    }
    json_object_set_new (root, "regions", regions);
    json_t *findings = json_array ();
    for (size_t i = 0; i < self->finding_count; i++) {
        json_t *finding = json_object ();
        json_object_set_new (finding, "object_code",
                             json_string (self->finding[i].object_code));
        json_object_set_new (finding, "region_code",
                             json_string (self->finding[i].region_code));
        json_object_set_new (finding, "live_claims",
                             json_integer (self->finding[i].live_claims));
        json_array_append_new (findings, finding);
    }
    json_object_set_new (root, "finding_examples", findings);
    json_object_set_new (root, "rejections", s_tallies_json (self->rejections, NULL, NULL));
    return root;
}

/* ------------------------------------------------------------- tables */

/* Columns a UTF-8 text takes on a terminal: East Asian wide characters
   (CJK, full-width forms, ㎡) take two. */
static size_t
s_width (const char *text)
{
    size_t width = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p;) {
        unsigned cp;
        int size;
        if (*p < 0x80)
            cp = *p, size = 1;
        else if ((*p & 0xe0) == 0xc0)
            cp = *p & 0x1f, size = 2;
        else if ((*p & 0xf0) == 0xe0)
            cp = *p & 0x0f, size = 3;
        else
            cp = *p & 0x07, size = 4;
        for (int i = 1; i < size; i++) {
            if ((p[i] & 0xc0) != 0x80) {
                size = i;
                break;
            }
            cp = cp << 6 | (p[i] & 0x3f);
        }
        p += size;
        width += (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
                         (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
                         (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
                         (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd)
                     ? 2
                     : 1;
    }
    return width;
}

/* Prints text padded to width columns, on the left or the right. */
static void
s_cell (FILE *out, const char *text, size_t width, bool right)
{
    size_t used = s_width (text);
    size_t pad = used < width ? width - used : 0;
    if (right)
        fprintf (out, "%*s%s", (int)pad, "", text);
    else
        fprintf (out, "%s%*s", text, (int)pad, "");
}

/* Formats value with thousands separators; decimals 2 for a value in
   hundredths (0.01 m2, fen). */
static const char *
s_number (int64_t value, int decimals, char *out, size_t size)
{
    char digits[32];
    bool negative = value < 0;
    uint64_t magnitude = negative ? (uint64_t) - (value + 1) + 1 : (uint64_t)value;
    uint64_t whole = decimals ? magnitude / 100 : magnitude;
    snprintf (digits, sizeof digits, "%llu", (unsigned long long)whole);
    char grouped[48];
    size_t length = strlen (digits), at = 0;
    for (size_t i = 0; i < length; i++) {
        if (i && (length - i) % 3 == 0)
            grouped[at++] = ',';
        grouped[at++] = digits[i];
    }
    grouped[at] = '\0';
    if (decimals)
        snprintf (out, size, "%s%s.%02u", negative ? "-" : "", grouped,
                  (unsigned)(magnitude % 100));
    else
        snprintf (out, size, "%s%s", negative ? "-" : "", grouped);
    return out;
}

/* "370102 历下区", indented two spaces per level below the top shown. */
static void
s_region_label (const s_region_t *r, int top, char *out, size_t size)
{
    int level = r->region ? r->region->level : top;
    int indent = level > top ? 2 * (level - top) : 0;
    snprintf (out, size, "%*s%s %s", indent, "", r->code,
              r->region ? r->region->name : "?");
}

/* Most frequent first, then by code. */
static int
s_by_count (const void *a, const void *b)
{
    const s_tally_t *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp (x->code, y->code);
}

void
summary_print (const summary_t *self, FILE *out)
{
    fprintf (out, "Store of %s: %s objects live, %s deleted",
             self->node_id[0] ? self->node_id : "?",
             s_number ((int64_t)self->live, 0, (char[32]){0}, 32),
             s_number ((int64_t)self->deleted, 0, (char[32]){0}, 32));
    if (self->findings)
        fprintf (out, ", %s reported by more than one node",
                 s_number ((int64_t)self->findings, 0, (char[32]){0}, 32));
    fprintf (out, "\n");

    int top = 3;
    size_t label_width = strlen ("region");
    char label[YW_TEXT_SIZE], number[48];
    for (size_t i = 0; i < self->region_count; i++)
        if (self->regions[i].region && self->regions[i].region->level < top)
            top = self->regions[i].region->level;
    for (size_t i = 0; i < self->region_count; i++) {
        s_region_label (&self->regions[i], top, label, sizeof label);
        if (s_width (label) > label_width)
            label_width = s_width (label);
    }
    label_width += 2;

    if (self->region_count) {
        static const char *heads[] = {"公务用车",      "办公用房", "建筑面积 m²",
                                      "办公室面积 m²", "公务接待", "来宾人次",
                                      "接待费用 元"};
        static const char *subs[] = {"vehicles",     "buildings", "building area",
                                     "office rooms", "filings",   "guests",
                                     "total cost"};
        static const size_t widths[] = {10, 10, 18, 18, 10, 10, 16};
        fprintf (out, "\n");
        s_cell (out, "", label_width, false);
        for (size_t c = 0; c < 7; c++)
            s_cell (out, heads[c], widths[c], true);
        fprintf (out, "\n");
        s_cell (out, "region", label_width, false);
        for (size_t c = 0; c < 7; c++)
            s_cell (out, subs[c], widths[c], true);
        fprintf (out, "\n");
        for (size_t i = 0; i < self->region_count; i++) {
            const s_region_t *r = &self->regions[i];
            s_region_label (r, top, label, sizeof label);
            s_cell (out, label, label_width, false);
            int64_t values[] = {(int64_t)r->vehicles, (int64_t)r->buildings,
                                r->building_area,     r->office_room_area,
                                (int64_t)r->filings,  r->guests,
                                r->total_cost};
            static const int decimals[] = {0, 0, 2, 2, 0, 0, 2};
            for (size_t c = 0; c < 7; c++)
                s_cell (out, s_number (values[c], decimals[c], number, sizeof number),
                        widths[c], true);
            fprintf (out, "\n");
        }
    }

    /* Vehicles by category, then by status: one column per code of the table. */
    static const char *tables[] = {"vehicle_category", "vehicle_status"};
    static const char *titles[] = {"公务用车 vehicles by category (车辆类型)",
                                   "公务用车 vehicles by status (使用状态)"};
    for (size_t t = 0; t < 2; t++) {
        uint64_t vehicles = 0;
        for (size_t i = 0; i < self->region_count; i++)
            vehicles += self->regions[i].vehicles;
        if (!vehicles)
            break;
        const char *table = tables[t];
        size_t codes = 0;
        while (codebook_enum_code_at (self->codebook, table, codes))
            codes++;
        fprintf (out, "\n%s\n", titles[t]);
        s_cell (out, "", label_width, false);
        for (size_t k = 0; k < codes; k++) {
            const char *code = codebook_enum_code_at (self->codebook, table, k);
            const char *name = codebook_enum_name (self->codebook, table, code);
            size_t width = (name ? s_width (name) : 0) + 2;
            s_cell (out, code, width < 10 ? 10 : width, true);
        }
        fprintf (out, "\n");
        s_cell (out, "region", label_width, false);
        for (size_t k = 0; k < codes; k++) {
            const char *code = codebook_enum_code_at (self->codebook, table, k);
            const char *name = codebook_enum_name (self->codebook, table, code);
            size_t width = (name ? s_width (name) : 0) + 2;
            s_cell (out, name ? name : code, width < 10 ? 10 : width, true);
        }
        fprintf (out, "\n");
        for (size_t i = 0; i < self->region_count; i++) {
            const s_region_t *r = &self->regions[i];
            if (!r->vehicles)
                continue;
            s_region_label (r, top, label, sizeof label);
            s_cell (out, label, label_width, false);
            for (size_t k = 0; k < codes; k++) {
                const char *code = codebook_enum_code_at (self->codebook, table, k);
                const char *name = codebook_enum_name (self->codebook, table, code);
                size_t width = (name ? s_width (name) : 0) + 2;
                const s_tallies_t *tallies = t == 0 ? &r->category : &r->status;
                s_cell (out,
                        s_number ((int64_t)s_tally_get (tallies, code), 0, number,
                                  sizeof number),
                        width < 10 ? 10 : width, true);
            }
            fprintf (out, "\n");
        }
    }

    if (self->findings) {
        fprintf (out,
                 "\nFindings: %llu objects reported live by more than one node "
                 "(the same car or building in two registries)\n",
                 (unsigned long long)self->findings);
        for (size_t i = 0; i < self->finding_count; i++) {
            const codebook_region_t *region =
                codebook_region (self->codebook, self->finding[i].region_code);
            fprintf (out, "  %s  shown as %s %s, %u live claims\n",
                     self->finding[i].object_code, self->finding[i].region_code,
                     region ? region->name : "?", self->finding[i].live_claims);
        }
        if (self->findings > self->finding_count)
            fprintf (out, "  ... (%llu more)\n",
                     (unsigned long long)(self->findings - self->finding_count));
    }

    if (self->rejected) {
        fprintf (out, "\nRejections kept in this store: %llu, by reason\n",
                 (unsigned long long)self->rejected);
        s_tallies_t sorted = *self->rejections;
        qsort (sorted.entry, sorted.count, sizeof sorted.entry[0], s_by_count);
        for (size_t i = 0; i < sorted.count; i++) {
            const s_tally_t *entry = &sorted.entry[i];
            yw_reason_t reason = yw_reason_parse (entry->code);
            fprintf (
                out, "  %-16s %8llu  %s\n", entry->code, (unsigned long long)entry->count,
                reason > YW_R_OK && reason < YW_R_COUNT ? yw_reason_text_zh (reason) : "");
        }
    }
}
