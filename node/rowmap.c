/*  rowmap.c - normalizing rows to the data standard. */
#include "rowmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "normalize.h"
#include "objcode.h"
#include "validate.h"
#include "yw.h"

struct _rowmap_t {
    const codebook_t *codebook;
    const mapping_t *mapping;
    char jurisdiction[YW_REGION_SIZE];
    bool content_hash; /* compute content hashes (rowmap_set_content_hash) */
    size_t fields[64]; /* indexes of the fields of this kind */
    size_t field_count;
    int region_index;
};

static yw_reason_t s_identify (yw_record_t *record, bool content_hash);

rowmap_t *
rowmap_new (const codebook_t *codebook, const mapping_t *mapping, const char *jurisdiction)
{
    rowmap_t *self = yw_calloc (1, sizeof *self);
    self->codebook = codebook;
    self->content_hash = true;
    self->mapping = mapping;
    if (jurisdiction)
        snprintf (self->jurisdiction, sizeof self->jurisdiction, "%s", jurisdiction);
    yw_kind_t kind = mapping_kind (mapping);
    for (size_t i = 0; yw_fields[i].name; i++)
        if (yw_fields[i].kind == YW_KIND_NONE || yw_fields[i].kind == kind)
            self->fields[self->field_count++] = i;
    self->region_index = yw_field_find (kind, "region_code");
    return self;
}

void
rowmap_destroy (rowmap_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free (*self_p);
    *self_p = NULL;
}

/* Copies at most size-1 bytes of UTF-8 text without splitting a character. */
static void
s_copy_text (char *dest, size_t size, const char *text, size_t len)
{
    if (len >= size) {
        len = size - 1;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy (dest, text, len);
    dest[len] = '\0';
}

static yw_reason_t
s_reject (rowmap_t *self, rowmap_reject_t *reject, int field, yw_reason_t reason,
          const char *value, size_t len, const char *detail)
{
    reject->field = field;
    reject->reason = reason;
    const char *column = field >= 0 ? mapping_column (self->mapping, (size_t)field) : NULL;
    if (!column)
        column = field >= 0 ? yw_fields[field].name : "row";
    s_copy_text (reject->column, sizeof reject->column, column, strlen (column));
    s_copy_text (reject->value, sizeof reject->value, value ? value : "", value ? len : 0);
    yw_reason_format (reason, reject->column, value ? reject->value : NULL,
                      detail && detail[0] ? detail : NULL, reject->message,
                      sizeof reject->message);
    return reason;
}

static void
s_set_int (void *target, size_t size, int64_t value)
{
    if (size == sizeof (int32_t))
        *(int32_t *)target = (int32_t)value;
    else
        *(int64_t *)target = value;
}

/* s_copy_text of a NUL-terminated text, returning the length copied
   (snprintf "%s" without the format engine: this runs for several fields
   of every row). */
static size_t
s_copy (char *out, size_t size, const char *text)
{
    s_copy_text (out, size, text, strlen (text));
    return strlen (out);
}

/* Normalizes one field's text into the record. */
static yw_reason_t
s_field (rowmap_t *self, const yw_field_t *field, size_t index, const char *in, size_t len,
         yw_record_t *record, char *detail)
{
    void *target = yw_field_ptr (record, field);
    char *text = target;
    char buffer[YW_TEXT_SIZE];
    int64_t number = 0;
    int32_t date = 0;
    yw_reason_t reason = YW_R_OK;
    detail[0] = '\0';

    switch (field->type) {
        case YW_FT_TEXT: return codebook_norm_text (in, len, text, field->size, detail);
        case YW_FT_CODE: return codebook_norm_code (in, len, text, field->size, detail);
        case YW_FT_REGION: {
            if ((reason = codebook_norm_code (in, len, buffer, sizeof buffer, detail)))
                return reason;
            const codebook_region_t *region = NULL;
            reason = codebook_region_validate (
                self->codebook, buffer, self->jurisdiction[0] ? self->jurisdiction : NULL,
                &region);
            if (reason == YW_R_REGION_OUTSIDE)
                snprintf (detail, YW_NORM_DETAIL, "outside jurisdiction %s",
                          self->jurisdiction);
            if (region)
                s_copy (text, field->size, region->code);
            return reason;
        }
        case YW_FT_USCC:
        case YW_FT_VIN:
        case YW_FT_PLATE: {
            /* Normalized into a buffer wider than the field, so that a code
               with characters too many (a USCC of 19 or 25) is judged by its
               validator (USCC_LENGTH), not cut off as TOO_LONG. Only a plate
               loses its separators (鲁A·12345): a hyphen in a USCC or VIN is
               a wrong code, for its validator to report. */
            if (field->type == YW_FT_PLATE)
                reason = codebook_norm_plate (in, len, buffer, sizeof buffer, detail);
            else
                reason = codebook_norm_code (in, len, buffer, sizeof buffer, detail);
            if (reason)
                return reason;
            char expected[2] = "";
            if (field->type == YW_FT_USCC)
                reason = codebook_uscc_validate (buffer, expected);
            else if (field->type == YW_FT_VIN)
                reason = codebook_vin_validate (buffer, expected);
            else
                reason = codebook_plate_validate (buffer);
            if (expected[0] && (reason == YW_R_VIN_CHECK || reason == YW_R_USCC_CHECK ||
                                reason == YW_R_USCC_ORG_CHECK)) {
                size_t pos = reason == YW_R_VIN_CHECK    ? 8
                             : reason == YW_R_USCC_CHECK ? 17
                                                         : 16;
                snprintf (detail, YW_NORM_DETAIL, "check character is %s, not %c", expected,
                          buffer[pos]);
            }
            if (reason == YW_R_OK && strlen (buffer) >= field->size)
                reason = YW_R_TOO_LONG; /* a validator let through more than fits */
            if (reason == YW_R_OK)
                memcpy (text, buffer, strlen (buffer) + 1);
            return reason;
        }
        case YW_FT_ENUM: {
            if ((reason = codebook_norm_text (in, len, buffer, sizeof buffer, detail)))
                return reason;
            const char *code = mapping_synonym (self->mapping, index, buffer);
            if (!code)
                code = codebook_enum_lookup (self->codebook, field->table, buffer);
            if (!code) {
                snprintf (detail, YW_NORM_DETAIL, "not in table %s or its synonyms",
                          field->table);
                return YW_R_ENUM_UNKNOWN;
            }
            s_copy (text, field->size, code);
            return YW_R_OK;
        }
        case YW_FT_DATE:
            reason = codebook_norm_date (in, len, &date, detail);
            number = date;
            break;
        case YW_FT_YEAR:
            reason = codebook_norm_year (in, len, &date, detail);
            number = date;
            break;
        case YW_FT_COUNT:
            reason = codebook_norm_count (in, len, &number, detail);
            if (!reason && field->size == sizeof (int32_t) && number > INT32_MAX) {
                snprintf (detail, YW_NORM_DETAIL, "more than %d", INT32_MAX);
                reason = YW_R_NUMBER_RANGE;
            }
            break;
        case YW_FT_MONEY: reason = codebook_norm_money (in, len, &number, detail); break;
        case YW_FT_AREA: reason = codebook_norm_area (in, len, &number, detail); break;
        case YW_FT_VOLUME: reason = codebook_norm_volume (in, len, &number, detail); break;
        case YW_FT_DISTANCE:
            reason = codebook_norm_distance (in, len, &number, detail);
            break;
        case YW_FT_COORD:
            reason = codebook_norm_coord (in, len, &number, detail);
            if (!reason && !strcmp (field->name, "latitude") &&
                (number > 900000000 || number < -900000000)) {
                snprintf (detail, YW_NORM_DETAIL, "latitude beyond 90 degrees");
                reason = YW_R_COORD_RANGE;
            }
            break;
    }
    if (!reason)
        s_set_int (target, field->size, number);
    return reason;
}

/* Rules across fields, after each field is good on its own. */
static yw_reason_t
s_cross_check (rowmap_t *self, yw_record_t *record, rowmap_reject_t *reject)
{
    char detail[YW_NORM_DETAIL];
    if (record->kind == YW_KIND_RECEPTION_FILING) {
        const yw_filing_t *filing = &record->body.filing;
        if (filing->end_date && filing->end_date < filing->start_date) {
            snprintf (detail, sizeof detail, "ends %d, before it starts %d",
                      filing->end_date, filing->start_date);
            int index = yw_field_find (record->kind, "end_date");
            return s_reject (self, reject, index, YW_R_INCONSISTENT, NULL, 0, detail);
        }
        int64_t parts = filing->meal_cost + filing->accommodation_cost +
                        filing->transport_cost + filing->other_cost;
        if (filing->total_cost && parts && parts != filing->total_cost) {
            snprintf (detail, sizeof detail,
                      "total %lld fen is not the sum of the costs, %lld fen",
                      (long long)filing->total_cost, (long long)parts);
            int index = yw_field_find (record->kind, "total_cost");
            return s_reject (self, reject, index, YW_R_INCONSISTENT, NULL, 0, detail);
        }
    }
    if (record->kind == YW_KIND_OFFICE_BUILDING) {
        const yw_building_t *building = &record->body.building;
        int64_t rooms = building->office_room_area + building->service_room_area +
                        building->equipment_room_area + building->auxiliary_room_area;
        if (building->building_area && rooms > building->building_area) {
            snprintf (detail, sizeof detail,
                      "rooms add up to %lld, more than the building's %lld (0.01 m2)",
                      (long long)rooms, (long long)building->building_area);
            int index = yw_field_find (record->kind, "building_area");
            return s_reject (self, reject, index, YW_R_INCONSISTENT, NULL, 0, detail);
        }
    }
    return YW_R_OK;
}

yw_reason_t
rowmap_apply (rowmap_t *self, rowmap_get_fn *get, void *row, yw_record_t *record,
              rowmap_reject_t *reject)
{
    yw_record_reset (record, mapping_kind (self->mapping));
    char detail[YW_NORM_DETAIL];
    for (size_t f = 0; f < self->field_count; f++) {
        size_t index = self->fields[f];
        const yw_field_t *field = &yw_fields[index];
        const char *value = NULL;
        size_t len = 0;
        int rc = get (row, index, &value, &len);
        if (rc == YW_ENOTFOUND)
            continue;
        if (rc == YW_EENCODING)
            return s_reject (self, reject, (int)index, YW_R_BAD_ENCODING, NULL, 0,
                             "bytes not valid in the file's encoding");
        if (rc == YW_ETOOBIG)
            return s_reject (self, reject, (int)index, YW_R_TOO_LONG, NULL, 0, NULL);
        if (rc < 0)
            return s_reject (self, reject, (int)index, YW_R_BAD_JSON, NULL, 0,
                             "not a string or number");
        yw_reason_t reason = s_field (self, field, index, value, len, record, detail);
        if (reason == YW_R_MISSING) {
            /* empty: absent, required fields checked below; clear whatever
               the normalizer may have begun to write */
            memset (yw_field_ptr (record, field), 0, field->size);
            continue;
        }
        if (reason)
            return s_reject (self, reject, (int)index, reason, value, len, detail);
        record->present |= 1ull << index;
    }
    if (!record->present)
        return s_reject (self, reject, -1, YW_R_MISSING, NULL, 0,
                         "empty row: no mapped column has a value");
    if (!(record->present & (1ull << self->region_index)) &&
        mapping_region (self->mapping)[0]) {
        const char *region = mapping_region (self->mapping);
        if (self->jurisdiction[0] && !codebook_region_within (region, self->jurisdiction)) {
            snprintf (detail, sizeof detail, "default region outside jurisdiction %s",
                      self->jurisdiction);
            return s_reject (self, reject, self->region_index, YW_R_REGION_OUTSIDE, region,
                             strlen (region), detail);
        }
        s_copy (record->region_code, sizeof record->region_code, region);
        record->present |= 1ull << self->region_index;
    }
    for (size_t f = 0; f < self->field_count; f++) {
        size_t index = self->fields[f];
        if (yw_fields[index].required && !(record->present & (1ull << index)))
            return s_reject (self, reject, (int)index, YW_R_MISSING, NULL, 0, NULL);
    }
    yw_reason_t reason = s_cross_check (self, record, reject);
    if (reason)
        return reason;
    reason = s_identify (record, self->content_hash);
    if (reason)
        return s_reject (self, reject, yw_field_find (record->kind, "address"), reason,
                         NULL, 0, "no certificate number, address or name to identify it");
    return YW_R_OK;
}

void
rowmap_set_content_hash (rowmap_t *self, bool enabled)
{
    self->content_hash = enabled;
}

yw_reason_t
rowmap_identify (yw_record_t *record)
{
    return s_identify (record, true);
}

static yw_reason_t
s_identify (yw_record_t *record, bool content_hash)
{
    char key[YW_TEXT_SIZE * 2 + YW_SHORT_SIZE + 8];
    int len;
    switch (record->kind) {
        case YW_KIND_VEHICLE:
            if (!record->body.vehicle.vin[0])
                return YW_R_MISSING;
            len = (int)s_copy (key, sizeof key, record->body.vehicle.vin);
            break;
        case YW_KIND_OFFICE_BUILDING: {
            const yw_building_t *building = &record->body.building;
            if (building->certificate_no[0])
                len = (int)s_copy (key, sizeof key, building->certificate_no);
            else if (building->address[0] && building->name[0] && record->region_code[0])
                len = snprintf (key, sizeof key, "%s|%s|%s", record->region_code,
                                building->address, building->name);
            else
                return YW_R_MISSING;
            break;
        }
        case YW_KIND_RECEPTION_FILING:
            if (!record->unit_code[0] || !record->body.filing.filing_no[0])
                return YW_R_MISSING;
            len = snprintf (key, sizeof key, "%s|%s", record->unit_code,
                            record->body.filing.filing_no);
            break;
        default: return YW_R_MISSING;
    }
    codebook_objcode (yw_kind_name (record->kind), key, (size_t)len, record->object_code);
    if (content_hash)
        codec_record_hash (record, record->content_hash);
    return YW_R_OK;
}
