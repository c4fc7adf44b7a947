/*  cli_reasons.c - rejections by reason, as `yiwang check` and `yiwang
    import` print them: a JSON object of reason codes, or one text line per
    reason with its Chinese and English text. */
#include <stdio.h>

#include "cli.h"

json_t *
cli_reasons_json (const uint64_t *by_reason)
{
    json_t *reasons = json_object ();
    for (int r = 1; r < YW_R_COUNT; r++)
        if (by_reason[r])
            json_object_set_new (reasons, yw_reason_code ((yw_reason_t)r),
                                 json_integer ((json_int_t)by_reason[r]));
    return reasons;
}

void
cli_reasons_print (const uint64_t *by_reason)
{
    for (int r = 1; r < YW_R_COUNT; r++)
        if (by_reason[r])
            printf ("  %-18s %8llu  %s / %s\n", yw_reason_code ((yw_reason_t)r),
                    (unsigned long long)by_reason[r], yw_reason_text_zh ((yw_reason_t)r),
                    yw_reason_text_en ((yw_reason_t)r));
}
