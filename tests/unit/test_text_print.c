/* SPDX-License-Identifier: MIT */
/*
 * candump output forms with hand-written expectations: compact, long with each view flag,
 * decoded error frames, timestamp prefixes and whole candump lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/can/error.h>

#include "canring/text.h"

static int failures;

#define CHECK_STR(got, want)                                                                       \
        do {                                                                                       \
                if (strcmp((got), (want)) != 0) {                                                  \
                        printf("FAIL %s:%d:\n  got  '%s'\n  want '%s'\n", __FILE__, __LINE__,      \
                               (got), (want));                                                     \
                        failures++;                                                                \
                }                                                                                  \
        } while (0)

static struct canfd_frame frame(const char *text, size_t *mtu)
{
        struct canfd_frame f;
        char err[128];

        if (canring_frame_parse(text, &f, mtu, err, sizeof(err))) {
                printf("FAIL: cannot parse '%s': %s\n", text, err);
                exit(1);
        }
        return f;
}

static void compact(const char *in, unsigned flags, const char *want)
{
        char buf[CANRING_FRAME_TEXT_MAX];
        size_t mtu;
        struct canfd_frame f = frame(in, &mtu);
        int n = canring_frame_print(buf, sizeof(buf), &f, mtu, flags);

        CHECK_STR(buf, want);
        if (n != (int)strlen(want)) {
                printf("FAIL: '%s' returned %d\n", in, n);
                failures++;
        }
}

static void longform(const char *in, unsigned view, const char *want)
{
        char buf[CANRING_FRAME_LONG_MAX];
        size_t mtu;
        struct canfd_frame f = frame(in, &mtu);

        canring_frame_print_long(buf, sizeof(buf), &f, mtu, view);
        CHECK_STR(buf, want);
}

static void errtext(const char *in, const char *want)
{
        char buf[CANRING_ERROR_TEXT_MAX];
        size_t mtu;
        struct canfd_frame f = frame(in, &mtu);

        canring_error_frame_print(buf, sizeof(buf), &f, NULL);
        CHECK_STR(buf, want);
}

int main(void)
{
        char buf[CANRING_DUMP_LINE_MAX];
        struct canring_dump_fmt fmt;
        struct canfd_frame f;
        size_t mtu;
        int n;

        compact("123#DEADBEEF", 0, "123#DEADBEEF");
        compact("123#DEADBEEF", CANRING_PRINT_SEP, "123#DE.AD.BE.EF");
        compact("00000123#11", 0, "00000123#11");
        compact("123#R", 0, "123#R");
        compact("123#R5", 0, "123#R5");
        compact("123##1", CANRING_PRINT_SEP, "123##1");
        compact("123##3DEAD", CANRING_PRINT_SEP, "123##3.DE.AD");
        compact("123#1122334455667788_E", 0, "123#1122334455667788");
        compact("123#1122334455667788_E", CANRING_PRINT_LEN8_DLC, "123#1122334455667788_E");
        compact("20000004#0004000000000000", 0, "20000004#0004000000000000");

        longform("123#DEADBEEF", 0, "123   [4]  DE AD BE EF");
        longform("123#DEADBEEF", CANRING_VIEW_INDENT_SFF, "     123   [4]  DE AD BE EF");
        longform("12345678#1122", 0, "12345678   [2]  11 22");
        longform("123#R5", 0, "123   [5]  remote request");
        longform("123##1DEADBEEF", 0, "123  [04]  DE AD BE EF");
        longform("123#41420043", CANRING_VIEW_ASCII, "123   [4]  41 42 00 43               'AB.C'");
        longform("123#", CANRING_VIEW_ASCII, "123   [0]                            ''");
        longform("123#414243", CANRING_VIEW_ASCII | CANRING_VIEW_SWAP,
                 "123   [3]  43`42`41                  `CBA`");
        longform("123#0F80", CANRING_VIEW_BINARY, "123   [2]  00001111 10000000");
        longform("123#0F80", CANRING_VIEW_BINARY | CANRING_VIEW_SWAP,
                 "123   [2]  10000000`00001111");
        /* The ASCII column starts 9 * (8 - len) + 4 characters behind binary data. */
        snprintf(buf, sizeof(buf), "123   [2]  00001111 10000000%*s..'", 9 * 6 + 4, "'");
        longform("123#0F80", CANRING_VIEW_BINARY | CANRING_VIEW_ASCII, buf);
        longform("20000004#0004000000000000", CANRING_VIEW_ASCII,
                 "20000004   [8]  00 04 00 00 00 00 00 00   ERRORFRAME");
        longform("123##0001122334455667788990011", CANRING_VIEW_ASCII,
                 "123  [12]  00 11 22 33 44 55 66 77 88 99 00 11");

        errtext("20000004#0004000000000000", "controller-problem{rx-error-warning}");
        errtext("20000002#0500000000000000", "lost-arbitration{at bit 5}");
        errtext("20000088#0000020A00000000", "protocol-violation{{frame-format-error}{data-field}},"
                                             "bus-error");
        errtext("20000008#0000810000000000",
                "protocol-violation{{single-bit-error,error-on-tx}{}}");
        errtext("20000040#0000000000000000", "bus-off");
        errtext("20000100#000000000000887F", "restarted-after-bus-off,"
                                             "error-counter-tx-rx{{136}{127}}");
        errtext("20000000#0000000000000001", ",error-counter-tx-rx{{0}{1}}");
        errtext("20000400#0000000000000000", ""); /* class beyond the table: nothing */
        errtext("123#11", "");

        /* -e: error text on the following line, tab-indented, classes one per line. */
        memset(&fmt, 0, sizeof(fmt));
        fmt.view = CANRING_VIEW_ERROR;
        fmt.ifname_width = 5;
        f = frame("200000C0#0000000000000000", &mtu);
        canring_dump_line_print(buf, sizeof(buf), &fmt, 0, "can0", &f, mtu, CANRING_DIR_NONE);
        CHECK_STR(buf, "   can0  200000C0   [8]  00 00 00 00 00 00 00 00   ERRORFRAME\n"
                       "\tbus-off\n\tbus-error\n");

        /* Default line, absolute timestamp, extra info with BRS/ESI and direction. */
        memset(&fmt, 0, sizeof(fmt));
        fmt.ts_mode = CANRING_TS_ABSOLUTE;
        fmt.ifname_width = 5;
        f = frame("123#DEADBEEF", &mtu);
        n = canring_dump_line_print(buf, sizeof(buf), &fmt, 1600000000123456789ull, "vcan0", &f,
                                    mtu, CANRING_DIR_RX);
        CHECK_STR(buf, " (1600000000.123456)  vcan0  123   [4]  DE AD BE EF\n");
        if (n != (int)strlen(buf)) {
                printf("FAIL: line length %d\n", n);
                failures++;
        }
        fmt.extra = true;
        f = frame("123##3DEAD", &mtu);
        canring_dump_line_print(buf, sizeof(buf), &fmt, 5000001ull, "can0", &f, mtu,
                                CANRING_DIR_TX);
        CHECK_STR(buf, " (0000000000.005000)   can0  TX B E  123  [02]  DE AD\n");
        f = frame("123##1DEAD", &mtu);
        canring_dump_line_print(buf, sizeof(buf), &fmt, 0, "can0", &f, mtu, CANRING_DIR_RX);
        CHECK_STR(buf, " (0000000000.000000)   can0  RX B -  123  [02]  DE AD\n");

        /* -t d and -t z: first frame 0, then differences (delta) or offsets (zero). */
        memset(&fmt, 0, sizeof(fmt));
        fmt.ts_mode = CANRING_TS_DELTA;
        canring_dump_timestamp_print(buf, sizeof(buf), &fmt, 100000500000ull);
        CHECK_STR(buf, "(000.000000) ");
        canring_dump_timestamp_print(buf, sizeof(buf), &fmt, 100001250000ull);
        CHECK_STR(buf, "(000.000750) ");
        canring_dump_timestamp_print(buf, sizeof(buf), &fmt, 112001250999ull);
        CHECK_STR(buf, "(012.000000) ");
        canring_dump_timestamp_print(buf, sizeof(buf), &fmt, 111000000000ull);
        CHECK_STR(buf, "(000.000000) "); /* clock went back: candump prints zero */
        memset(&fmt, 0, sizeof(fmt));
        fmt.ts_mode = CANRING_TS_ZERO;
        canring_dump_timestamp_print(buf, sizeof(buf), &fmt, 100000500000ull);
        canring_dump_timestamp_print(buf, sizeof(buf), &fmt, 100001250000ull);
        canring_dump_timestamp_print(buf, sizeof(buf), &fmt, 1234100000400000ull);
        CHECK_STR(buf, "(1233999.999900) ");
        fmt.ts_mode = CANRING_TS_NONE;
        canring_dump_timestamp_print(buf, sizeof(buf), &fmt, 1);
        CHECK_STR(buf, "");

        /* -t A: local time; pinned to UTC here. */
        setenv("TZ", "UTC", 1);
        memset(&fmt, 0, sizeof(fmt));
        fmt.ts_mode = CANRING_TS_DATE;
        canring_dump_timestamp_print(buf, sizeof(buf), &fmt, 1600000000123456789ull);
        CHECK_STR(buf, "(2020-09-13 12:26:40.123456) ");

        /* Truncation behaves like snprintf. */
        f = frame("123#DEADBEEF", &mtu);
        n = canring_frame_print(buf, 5, &f, mtu, 0);
        CHECK_STR(buf, "123#");
        if (n != 12) {
                printf("FAIL: truncated print returned %d\n", n);
                failures++;
        }

        if (failures)
                return 1;
        printf("ok\n");
        return 0;
}
