/*  hlc.h - hybrid logical clock (DESIGN 4.4).

    A version is a u64: the high 48 bits are milliseconds since the Unix
    epoch, the low 16 bits a counter. Versions from hlc_next () strictly
    increase, whatever the wall clock does: when the clock stands still or
    goes back, the counter advances, and a counter that runs over carries into
    the millisecond part (so at most 65,536 versions per real millisecond stay
    close to real time; more run ahead of it until the clock catches up).

    hlc_observe () takes in a version seen from another node (a received
    event) so that every later local version is newer than it: a change made
    here after a change arrived from elsewhere always wins over it.

    The clock is a plain value, embedded in its owner (the store), which saves
    `last` in its meta table with every commit and gives it back to
    hlc_init () on open, so versions never go back across restarts either.
    Not thread-safe: one owner, one thread.
*/
#ifndef YW_HLC_H_INCLUDED
#define YW_HLC_H_INCLUDED

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Wall clock in milliseconds since the epoch; `arg` is hlc_t.clock_arg. */
typedef uint64_t (hlc_clock_fn) (void *arg);

typedef struct {
    uint64_t last;       /* newest version handed out or observed */
    hlc_clock_fn *clock; /* wall clock; NULL = the real one (CLOCK_REALTIME) */
    void *clock_arg;
} hlc_t;

/* How far ahead of this node's wall clock hlc_observe () accepts a remote
   version by default: a peer whose clock runs further ahead would otherwise
   drag every node's versions into the future for good. */
#define HLC_MAX_DRIFT_MS (5 * 60 * 1000)

/* Builds a version from its parts, and takes one apart. */
static inline uint64_t
hlc_make (uint64_t ms, uint16_t counter)
{
    return (ms << 16) | counter;
}
static inline uint64_t
hlc_ms (uint64_t version)
{
    return version >> 16;
}
static inline uint16_t
hlc_counter (uint64_t version)
{
    return (uint16_t)(version & 0xffff);
}

/* Starts a clock that continues after `persisted` (0 for a new store), with
   the real wall clock. Set self->clock afterwards to use another (tests). */
void hlc_init (hlc_t *self, uint64_t persisted);

/* The current wall-clock time as a version with counter 0 (does not advance
   the clock). */
uint64_t hlc_now (const hlc_t *self);

/* Returns a new version, greater than every version returned or observed
   before, and at least the current wall-clock time. */
uint64_t hlc_next (hlc_t *self);

/* Takes in a remote version so that later hlc_next () results exceed it.
   Returns 0, or YW_EINVAL (clock unchanged) if remote lies more than
   max_drift_ms ahead of this node's wall clock (0 = HLC_MAX_DRIFT_MS). */
int hlc_observe (hlc_t *self, uint64_t remote, uint64_t max_drift_ms);

/* Formats a version as "2024-05-01T08:30:00.123Z+5" (UTC; "+counter" only
   when the counter is not 0) into out (at least HLC_TEXT_SIZE bytes).
   Returns out. */
#define HLC_TEXT_SIZE 40
char *hlc_format (uint64_t version, char *out);

#ifdef __cplusplus
}
#endif

#endif
