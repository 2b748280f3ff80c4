/* SPDX-License-Identifier: MIT */
/*
 * The candump log line "(1600000000.123456) can0 123#DEADBEEF R": written like candump -l/-L
 * (2020.11: "(%010lu.%06lu) %*s %s%s\n" with " R"/" T" under -x), read like canplayer and
 * log2long read it, plus canring's ns variant with nine fraction digits.
 */
#include <string.h>

#include "canring/text.h"
#include "text_priv.h"

int canring_log_line_print(char *buf, size_t len, uint64_t ts_ns, const char *ifname,
                           int ifname_width, const struct canfd_frame *frame, size_t mtu,
                           enum canring_dir dir, unsigned flags)
{
        char text[CANRING_FRAME_TEXT_MAX];
        unsigned long long sec = ts_ns / 1000000000u, frac = ts_ns % 1000000000u;
        size_t pos = 0;

        if (len)
                buf[0] = '\0';
        canring_frame_print(text, sizeof(text), frame, mtu, flags & CANRING_PRINT_LEN8_DLC);
        if (flags & CANRING_LOG_NS)
                text_append(buf, len, &pos, "(%010llu.%09llu) ", sec, frac);
        else
                text_append(buf, len, &pos, "(%010llu.%06llu) ", sec, frac / 1000u);
        text_append(buf, len, &pos, "%*s %s%s\n", ifname_width, ifname, text,
                    dir == CANRING_DIR_RX   ? " R"
                    : dir == CANRING_DIR_TX ? " T"
                                            : "");
        return (int)pos;
}

/* The ns timestamp is a uint64_t: about 584 years after 1970. */
#define MAX_SEC (UINT64_MAX / 1000000000u)

static bool is_space(char c)
{
        return c == ' ' || c == '\t';
}

static int parse_timestamp(const char **sp, uint64_t *ts_ns, char *err, size_t errlen)
{
        const char *s = *sp + 1; /* behind '(' */
        uint64_t sec = 0, frac = 0;
        size_t digits = 0;

        if (*s < '0' || *s > '9')
                return text_fail(err, errlen, "timestamp: expected digits after '('");
        while (*s >= '0' && *s <= '9') {
                uint64_t digit = (uint64_t)(*s++ - '0');

                if (sec > (MAX_SEC - digit) / 10)
                        return text_fail(err, errlen, "timestamp: seconds out of range");
                sec = sec * 10 + digit;
        }
        if (*s != '.')
                return text_fail(err, errlen, "timestamp: expected '.' after the seconds");
        s++;
        while (*s >= '0' && *s <= '9') {
                if (++digits > 9)
                        return text_fail(err, errlen, "timestamp: more than 9 fraction digits");
                frac = frac * 10 + (uint64_t)(*s++ - '0');
        }
        if (digits == 0)
                return text_fail(err, errlen, "timestamp: expected digits after '.'");
        if (*s != ')')
                return text_fail(err, errlen, "timestamp: expected ')'");
        while (digits++ < 9)
                frac *= 10;
        if (sec == MAX_SEC && frac > UINT64_MAX % 1000000000u)
                return text_fail(err, errlen, "timestamp: out of range");
        *ts_ns = sec * 1000000000u + frac;
        *sp = s + 1;
        return 0;
}

int canring_log_line_parse(const char *line, struct canring_log_entry *entry, char *err,
                           size_t errlen)
{
        char text[CANRING_FRAME_TEXT_MAX];
        const char *s = line, *word;
        size_t n, end;
        int ret;

        memset(entry, 0, sizeof(*entry));
        if (err && errlen)
                err[0] = '\0';
        if (!line)
                return text_fail(err, errlen, "no line");

        /* Everything up to the line end; "\r\n" from files that went through Windows. */
        end = strcspn(line, "\r\n");
        if (line[end] == '\r' && line[end + 1] == '\n')
                end += 2;
        else if (line[end] == '\n')
                end += 1;
        if (line[end] != '\0')
                return text_fail(err, errlen, "line break inside the line");
        end = strcspn(line, "\r\n");

        while (is_space(*s))
                s++;
        if ((size_t)(s - line) == end || *s == '#' || strncmp(s, "DROPCOUNT:", 10) == 0)
                return -ENODATA;
        if (*s != '(')
                return text_fail(err, errlen, "expected '(' and a timestamp at the line start");
        ret = parse_timestamp(&s, &entry->ts_ns, err, errlen);
        if (ret)
                return ret;

        if (!is_space(*s))
                return text_fail(err, errlen, "expected a space after the timestamp");
        while (is_space(*s))
                s++;
        word = s;
        while ((size_t)(s - line) < end && !is_space(*s))
                s++;
        n = (size_t)(s - word);
        if (n == 0)
                return text_fail(err, errlen, "missing interface name");
        if (n >= IFNAMSIZ)
                return text_fail(err, errlen, "interface name too long (max %d characters)",
                                 IFNAMSIZ - 1);
        memcpy(entry->ifname, word, n);

        while (is_space(*s))
                s++;
        word = s;
        while ((size_t)(s - line) < end && !is_space(*s))
                s++;
        n = (size_t)(s - word);
        if (n == 0)
                return text_fail(err, errlen, "missing frame after the interface name");
        if (n >= sizeof(text))
                return text_fail(err, errlen, "frame text too long");
        memcpy(text, word, n);
        text[n] = '\0';
        ret = canring_frame_parse(text, &entry->frame, &entry->mtu, err, errlen);
        if (ret)
                return ret;

        while (is_space(*s))
                s++;
        if ((size_t)(s - line) < end && (*s == 'R' || *s == 'T') &&
            ((size_t)(s + 1 - line) == end || is_space(s[1]))) {
                entry->dir = *s == 'R' ? CANRING_DIR_RX : CANRING_DIR_TX;
                s++;
                while (is_space(*s))
                        s++;
        }
        if ((size_t)(s - line) != end)
                return text_fail(err, errlen, "unexpected text '%.*s' after the frame",
                                 (int)(end - (size_t)(s - line)), s);
        return 0;
}
