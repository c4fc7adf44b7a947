/*  recjson.c - records as JSON objects. */
#include "recjson.h"

#include <stdio.h>

void
recjson_hex (const uint8_t *data, size_t size, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < size; i++) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 15];
    }
    out[2 * size] = 0;
}

json_t *
recjson_record (const yw_record_t *record, bool envelope)
{
    json_t *object = json_object ();
    char hash[YW_HASH_SIZE * 2 + 1];
    recjson_hex (record->content_hash, YW_HASH_SIZE, hash);
    json_object_set_new (object, "object_code", json_string (record->object_code));
    json_object_set_new (object, "kind", json_string (yw_kind_name (record->kind)));
    if (envelope) {
        if (record->origin_node[0])
            json_object_set_new (object, "origin_node", json_string (record->origin_node));
        json_object_set_new (object, "version", json_integer ((json_int_t)record->version));
        json_object_set_new (object, "deleted", json_boolean (record->deleted));
    }
    for (size_t i = 0; yw_fields[i].name; i++) {
        const yw_field_t *field = &yw_fields[i];
        if ((field->kind != YW_KIND_NONE && field->kind != record->kind) ||
            !(record->present & (1ull << i)))
            continue;
        const void *value = yw_field_cptr (record, field);
        json_t *item;
        switch (field->type) {
            case YW_FT_TEXT:
            case YW_FT_CODE:
            case YW_FT_REGION:
            case YW_FT_USCC:
            case YW_FT_PLATE:
            case YW_FT_VIN:
            case YW_FT_ENUM: item = json_string ((const char *)value); break;
            default:
                item = json_integer (field->size == sizeof (int32_t)
                                         ? *(const int32_t *)value
                                         : *(const int64_t *)value);
                break;
        }
        json_object_set_new (object, field->name, item);
    }
    json_object_set_new (object, "content_hash", json_string (hash));
    return object;
}

void
recjson_put_tsv (FILE *out, const char *text)
{
    for (; text && *text; text++) {
        if (*text == '\t')
            fputs ("\\t", out);
        else if (*text == '\n')
            fputs ("\\n", out);
        else if (*text == '\r')
            fputs ("\\r", out);
        else if (*text == '\\')
            fputs ("\\\\", out);
        else
            fputc (*text, out);
    }
}
