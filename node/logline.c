/*  logline.c - timestamped log lines on stderr. */
#include "logline.h"

#include <stdio.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

void
logline_v (const char *who, const char *format, va_list args)
{
    struct timeval now;
    gettimeofday (&now, NULL);
    struct tm tm;
    gmtime_r (&now.tv_sec, &tm);
    char line[1024];
    size_t n = strftime (line, sizeof line, "%Y-%m-%dT%H:%M:%S", &tm);
    n += (size_t)snprintf (line + n, sizeof line - n,
                           ".%03dZ %s: ", (int)(now.tv_usec / 1000), who);
    if (n < sizeof line) {
        int more = vsnprintf (line + n, sizeof line - n, format, args);
        n = more < 0 ? n : n + (size_t)more;
    }
    if (n >= sizeof line - 1)
        n = sizeof line - 2; /* cut: keep the newline */
    line[n++] = '\n';
    /* one write, so lines of several processes sharing a file stay whole */
    ssize_t written = write (STDERR_FILENO, line, n);
    (void)written;
}

void
logline (const char *who, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    logline_v (who, format, args);
    va_end (args);
}
