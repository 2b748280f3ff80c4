/* SPDX-License-Identifier: MIT */
/* Helpers shared by the text_*.c parsers and printers; not part of the installed API. */
#ifndef CANRING_TEXT_PRIV_H
#define CANRING_TEXT_PRIV_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* Writes the reason into ERR (if any) and returns -EINVAL, so parsers can `return text_fail()`. */
static inline int text_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static inline int text_fail(char *err, size_t errlen, const char *fmt, ...)
{
        va_list ap;

        if (err && errlen) {
                va_start(ap, fmt);
                vsnprintf(err, errlen, fmt, ap);
                va_end(ap);
        }
        return -EINVAL;
}

/* Value of one hex digit, -1 for anything else (no locale, unlike isxdigit()). */
static inline int text_nibble(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        return -1;
}

/* Number of hex digits at the start of S. */
static inline size_t text_hex_run(const char *s)
{
        size_t n = 0;

        while (text_nibble(s[n]) >= 0)
                n++;
        return n;
}

/*
 * Appends formatted text at *POS of BUF (LEN bytes) the way a chain of snprintf() calls would,
 * but never past the end: *POS keeps counting the full length so callers can return it.
 */
static inline void text_append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static inline void text_append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
        va_list ap;
        int n;

        va_start(ap, fmt);
        if (*pos < len)
                n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
        else
                n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n > 0)
                *pos += (size_t)n;
}

#endif
