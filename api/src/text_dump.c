/* SPDX-License-Identifier: MIT */
/*
 * candump's default output line and its -t timestamp prefixes, as the 2020.11 candump builds
 * them with printf (no colour: canring dump does not implement -c).
 */
#include <time.h>

#include "canring/text.h"
#include "text_priv.h"

static const char *const extra_m_info[4] = {"- -", "B -", "- E", "B E"}; /* flags & BRS|ESI */

int canring_dump_timestamp_print(char *buf, size_t len, struct canring_dump_fmt *fmt,
                                 uint64_t ts_ns)
{
        /* candump sees a struct timeval from SO_TIMESTAMP: the ns value truncated to us. */
        int64_t sec = (int64_t)(ts_ns / 1000000000u);
        int64_t usec = (int64_t)(ts_ns % 1000000000u / 1000u);
        size_t pos = 0;

        if (len)
                buf[0] = '\0';
        switch (fmt->ts_mode) {
        case CANRING_TS_ABSOLUTE:
                text_append(buf, len, &pos, "(%010lld.%06lld) ", (long long)sec, (long long)usec);
                break;
        case CANRING_TS_DATE: {
                time_t t = (time_t)sec;
                struct tm tm;
                char date[25];

                if (!localtime_r(&t, &tm) || !strftime(date, 24, "%Y-%m-%d %H:%M:%S", &tm))
                        date[0] = '\0';
                text_append(buf, len, &pos, "(%s.%06lld) ", date, (long long)usec);
                break;
        }
        case CANRING_TS_DELTA:
        case CANRING_TS_ZERO: {
                int64_t dsec, dusec;

                if (fmt->last_sec == 0) { /* candump's "first init" test */
                        fmt->last_sec = sec;
                        fmt->last_usec = usec;
                }
                dsec = sec - fmt->last_sec;
                dusec = usec - fmt->last_usec;
                if (dusec < 0) {
                        dsec--;
                        dusec += 1000000;
                }
                if (dsec < 0)
                        dsec = dusec = 0;
                text_append(buf, len, &pos, "(%03lld.%06lld) ", (long long)dsec, (long long)dusec);
                if (fmt->ts_mode == CANRING_TS_DELTA) {
                        fmt->last_sec = sec;
                        fmt->last_usec = usec;
                }
                break;
        }
        default:
                break;
        }
        return (int)pos;
}

int canring_dump_line_print(char *buf, size_t len, struct canring_dump_fmt *fmt, uint64_t ts_ns,
                            const char *ifname, const struct canfd_frame *frame, size_t mtu,
                            enum canring_dir dir)
{
        char part[CANRING_ERROR_TEXT_MAX];
        size_t pos = 0;

        if (len)
                buf[0] = '\0';
        canring_dump_timestamp_print(part, sizeof(part), fmt, ts_ns);
        text_append(buf, len, &pos, " %s %*s", part, fmt->ifname_width, ifname);
        if (fmt->extra)
                text_append(buf, len, &pos, "  %s %s", dir == CANRING_DIR_TX ? "TX" : "RX",
                            extra_m_info[frame->flags & 3]);
        canring_frame_print_long(part, sizeof(part), frame, mtu, fmt->view);
        text_append(buf, len, &pos, "  %s", part);
        if ((fmt->view & CANRING_VIEW_ERROR) && (frame->can_id & CAN_ERR_FLAG)) {
                canring_error_frame_print(part, sizeof(part), frame, "\n\t");
                text_append(buf, len, &pos, "\n\t%s", part);
        }
        text_append(buf, len, &pos, "\n");
        return (int)pos;
}
