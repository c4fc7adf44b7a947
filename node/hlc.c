/*  hlc.c - hybrid logical clock. */
#include "hlc.h"

#include <stdio.h>
#include <time.h>

#include "yw.h"

/* 48 bits of milliseconds last until the year 10889. */
#define S_MS_MAX ((1ull << 48) - 1)

static uint64_t
s_real_clock (void *arg)
{
    (void)arg;
    struct timespec ts;
    clock_gettime (CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t
s_wall (const hlc_t *self)
{
    uint64_t ms = self->clock ? self->clock (self->clock_arg) : s_real_clock (NULL);
    return hlc_make (ms > S_MS_MAX ? S_MS_MAX : ms, 0);
}

void
hlc_init (hlc_t *self, uint64_t persisted)
{
    self->last = persisted;
    self->clock = NULL;
    self->clock_arg = NULL;
}

uint64_t
hlc_now (const hlc_t *self)
{
    return s_wall (self);
}

uint64_t
hlc_next (hlc_t *self)
{
    uint64_t wall = s_wall (self);
    /* +1 on the packed value is "counter + 1", carrying into the
       milliseconds when the counter runs over */
    self->last = wall > self->last ? wall : self->last + 1;
    return self->last;
}

int
hlc_observe (hlc_t *self, uint64_t remote, uint64_t max_drift_ms)
{
    if (!max_drift_ms)
        max_drift_ms = HLC_MAX_DRIFT_MS;
    if (hlc_ms (remote) > hlc_ms (s_wall (self)) + max_drift_ms)
        return YW_EINVAL;
    if (remote > self->last)
        self->last = remote;
    return 0;
}

char *
hlc_format (uint64_t version, char *out)
{
    uint64_t ms = hlc_ms (version);
    time_t seconds = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r (&seconds, &tm);
    int n = (int)strftime (out, HLC_TEXT_SIZE, "%Y-%m-%dT%H:%M:%S", &tm);
    n += snprintf (out + n, (size_t)(HLC_TEXT_SIZE - n), ".%03uZ", (unsigned)(ms % 1000));
    if (hlc_counter (version))
        snprintf (out + n, (size_t)(HLC_TEXT_SIZE - n), "+%u", hlc_counter (version));
    return out;
}
