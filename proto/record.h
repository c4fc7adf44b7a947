/*  record.h - the data standard as a plain C struct, and its field table.

    yw_record_t mirrors proto/yiwang.proto's Record with fixed-size buffers, so
    a record needs no allocation and can be reused row after row. The field
    table (yw_fields) is the single place that knows, for every standard data
    element, its name, kind, type, where it lives in the struct and which code
    table it takes: the mapping file, the normalizer dispatch, the JSON output
    and the protobuf codec all walk it.

    Strings are NUL-terminated UTF-8; "" means absent. Integers are in the
    fixed units of the standard; 0 with the field's bit clear in `present`
    means absent.
*/
#ifndef YW_RECORD_H_INCLUDED
#define YW_RECORD_H_INCLUDED

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    YW_KIND_NONE = 0,
    YW_KIND_OFFICE_BUILDING = 1,
    YW_KIND_VEHICLE = 2,
    YW_KIND_RECEPTION_FILING = 3
} yw_kind_t;

#define YW_KIND_COUNT 4

/* Sizes include the terminating NUL. */
#define YW_OBJECT_CODE_SIZE 24    /* 2 prefix + 20 base32 + 1 check + NUL */
#define YW_REGION_SIZE      8     /* 6 digits + NUL */
#define YW_USCC_SIZE        20    /* 18 chars + NUL */
#define YW_NODE_ID_SIZE     64
#define YW_CODE_SIZE        16    /* an enumeration code */
#define YW_SHORT_SIZE       64    /* plates, VINs, certificate and filing numbers */
#define YW_TEXT_SIZE        256   /* names, addresses, organizations */
#define YW_HASH_SIZE        32    /* SHA-256 */

typedef struct {
    char plate[YW_SHORT_SIZE];
    char vin[YW_SHORT_SIZE];
    char category[YW_CODE_SIZE];
    char body_type[YW_CODE_SIZE];
    char energy_type[YW_CODE_SIZE];
    char brand_model[YW_TEXT_SIZE];
    int64_t displacement_ml;
    int64_t purchase_price;       /* fen */
    int32_t purchase_date;        /* YYYYMMDD */
    char status[YW_CODE_SIZE];
    int64_t odometer_km;
} yw_vehicle_t;

typedef struct {
    char name[YW_TEXT_SIZE];
    char address[YW_TEXT_SIZE];
    char certificate_no[YW_SHORT_SIZE];
    int64_t land_area;            /* 0.01 m2 */
    int64_t building_area;
    int64_t office_room_area;
    int64_t service_room_area;
    int64_t equipment_room_area;
    int64_t auxiliary_room_area;
    char property_right[YW_CODE_SIZE];
    int32_t year_built;
    int32_t floors;
    int64_t longitude;            /* degrees x 1e7 */
    int64_t latitude;
} yw_building_t;

typedef struct {
    char filing_no[YW_SHORT_SIZE];
    char guest_organization[YW_TEXT_SIZE];
    int32_t start_date;
    int32_t end_date;
    int32_t guests;
    int32_t accompanying_staff;
    int32_t meals;
    int32_t accommodation_nights;
    int64_t meal_cost;            /* fen */
    int64_t accommodation_cost;
    int64_t transport_cost;
    int64_t other_cost;
    int64_t total_cost;
    char letter_no[YW_SHORT_SIZE];
    int32_t filed_at;             /* YYYYMMDD */
} yw_filing_t;

typedef struct {
    char object_code[YW_OBJECT_CODE_SIZE];
    yw_kind_t kind;
    char region_code[YW_REGION_SIZE];
    char unit_code[YW_USCC_SIZE];
    char origin_node[YW_NODE_ID_SIZE];
    uint64_t version;             /* HLC: ms << 16 | counter */
    bool deleted;
    uint8_t content_hash[YW_HASH_SIZE];
    uint64_t present;             /* bit i set: yw_fields[i] was given */
    union {
        yw_vehicle_t vehicle;
        yw_building_t building;
        yw_filing_t filing;
    } body;
} yw_record_t;

/* How a field's source text is normalized (codebook/normalize.h). */
typedef enum {
    YW_FT_TEXT,      /* free text: NFKC, trim, fold inner spaces */
    YW_FT_CODE,      /* identifier: NFKC, drop spaces, upper-case */
    YW_FT_REGION,    /* GB/T 2260 code, after succession */
    YW_FT_USCC,      /* unified social credit code, both checks */
    YW_FT_PLATE,     /* GA 36 plate */
    YW_FT_VIN,       /* ISO 3779 VIN with check digit */
    YW_FT_ENUM,      /* code of `table`, through synonyms */
    YW_FT_DATE,      /* YYYYMMDD */
    YW_FT_YEAR,      /* YYYY */
    YW_FT_COUNT,     /* non-negative integer */
    YW_FT_MONEY,     /* fen; accepts 元 (default) and 万元 */
    YW_FT_AREA,      /* 0.01 m2; accepts 平方米 (default), ㎡, 亩, 公顷 */
    YW_FT_VOLUME,    /* ml; accepts ml (default), L / 升 */
    YW_FT_DISTANCE,  /* km; accepts 公里/km (default) and 万公里 */
    YW_FT_COORD      /* degrees x 1e7 */
} yw_field_type_t;

typedef struct {
    const char *name;             /* standard data-element name = proto field name */
    yw_kind_t kind;               /* YW_KIND_NONE: envelope field of every kind */
    yw_field_type_t type;
    size_t offset;                /* offset in yw_record_t */
    size_t size;                  /* buffer size for strings, else sizeof the integer */
    const char *table;            /* code table for YW_FT_ENUM, else NULL */
    bool required;                /* a row without it is rejected */
    int proto_number;             /* field number in the kind's proto message (envelope: Record) */
} yw_field_t;

/* The field table, envelope fields first; terminated by an entry with name NULL. */
extern const yw_field_t yw_fields[];

/* Number of entries in yw_fields (without the terminator); at most 64. */
size_t yw_field_count (void);

/* Looks up a field by standard name valid for kind (envelope fields match any
   kind). Returns its index in yw_fields, or -1. */
int yw_field_find (yw_kind_t kind, const char *name);

/* Kind names as in the mapping file: "vehicle", "office_building",
   "reception_filing". yw_kind_name returns "" for YW_KIND_NONE; yw_kind_parse
   returns YW_KIND_NONE for an unknown name. */
const char *yw_kind_name (yw_kind_t kind);
yw_kind_t yw_kind_parse (const char *name);

/* Pointer to a field's storage in a record. */
static inline void *
yw_field_ptr (yw_record_t *record, const yw_field_t *field)
{
    return (char *) record + field->offset;
}
static inline const void *
yw_field_cptr (const yw_record_t *record, const yw_field_t *field)
{
    return (const char *) record + field->offset;
}

/* Resets a record to all-absent of the given kind. */
void yw_record_reset (yw_record_t *record, yw_kind_t kind);

#ifdef __cplusplus
}
#endif

#endif
