/*  summary.h - what a store holds, by region: the "one network" view of a
    city or province hub, or the registry of one county (issue 4).

    Every visible record counts in its own region and in each region above
    it (county -> city -> province, by the codebook's GB/T 2260 parents), by
    kind and dimension:

      vehicle            count; by category and by status (code -> count)
      office_building    count; sums of building_area, office_room_area and
                         land_area (0.01 m2)
      reception_filing   count; sums of guests and total_cost (fen)

    plus, per region, the deleted objects (every claim a tombstone) and the
    findings: objects that more than one origin reports live (the same car
    in two counties' registries, DESIGN 4.4, 5.4). The store's rejections
    are counted by reason code.

    This is a walk over the store (store_each_object, then store_get of every
    live object), a few microseconds per record: fine for a county or a demo
    province, not the hub's rollup table of DESIGN 5.3, which a hub keeps by
    deltas. Records that change during the walk are counted as store_get ()
    finds them.
*/
#ifndef YW_SUMMARY_H_INCLUDED
#define YW_SUMMARY_H_INCLUDED

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "codebook.h"
#include "record.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _summary_t summary_t;

/* Findings kept for listing (all are counted). */
#define SUMMARY_MAX_FINDINGS 100

/* A new, empty summary; region names come from codebook (borrowed: it must
   outlive the summary). */
summary_t *summary_new (const codebook_t *codebook);

/* Frees it; idempotent, sets *self_p = NULL. */
void summary_destroy (summary_t **self_p);

/* Counts one object. record is its visible record (NULL or ignored when
   info->deleted). */
void summary_add (summary_t *self, const char *object_code, const store_object_t *info,
                  const yw_record_t *record);

/* Counts one rejection by its reason code. */
void summary_add_rejection (summary_t *self, const char *reason);

/* Counts every object of the store whose region starts with prefix (NULL or
   "": all) and every rejection the store keeps; sets the node id. Returns 0
   or a store error (YW_ESTORE, ...). */
int summary_load (summary_t *self, store_t *store, const char *prefix);

/* The summary as JSON (new reference): codes and the standard's field names,
   quantities in the standard's units. */
json_t *summary_json (const summary_t *self);

/* Prints the summary as tables for people: names beside codes, areas in m2
   and money in yuan. */
void summary_print (const summary_t *self, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
