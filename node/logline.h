/*  logline.h - one line of a daemon's log on stderr:

        2026-11-25T13:19:40.123Z yiwang-hub[city-370100] downlink: message

    Daemons (yiwang-node, yiwang-hub) and their modules log through this, so
    every line carries the time and who said it; systemd or a test harness
    collects stderr. */
#ifndef YW_LOGLINE_H_INCLUDED
#define YW_LOGLINE_H_INCLUDED

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Writes "TIME WHO: MESSAGE\n" to stderr in one write. */
void logline (const char *who, const char *format, ...)
    __attribute__ ((format (printf, 2, 3)));
void logline_v (const char *who, const char *format, va_list args);

#ifdef __cplusplus
}
#endif

#endif
