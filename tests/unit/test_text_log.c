/* SPDX-License-Identifier: MIT */
/* candump log lines: writing (us and ns variants, direction), reading, and malformed lines. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "canring/text.h"

static int failures;

#define CHECK(cond, ...)                                                                           \
        do {                                                                                       \
                if (!(cond)) {                                                                     \
                        printf("FAIL %s:%d: ", __FILE__, __LINE__);                                \
                        printf(__VA_ARGS__);                                                       \
                        printf("\n");                                                              \
                        failures++;                                                                \
                }                                                                                  \
        } while (0)

static void print_case(const char *frame_text, uint64_t ts, const char *ifname, int width,
                       enum canring_dir dir, unsigned flags, const char *want)
{
        char buf[CANRING_LOG_LINE_MAX], err[128];
        struct canfd_frame f;
        size_t mtu;
        int n;

        CHECK(canring_frame_parse(frame_text, &f, &mtu, err, sizeof(err)) == 0, "%s", err);
        n = canring_log_line_print(buf, sizeof(buf), ts, ifname, width, &f, mtu, dir, flags);
        CHECK(strcmp(buf, want) == 0, "got '%s' want '%s'", buf, want);
        CHECK(n == (int)strlen(want), "length %d", n);
}

int main(void)
{
        struct canring_log_entry e;
        char err[160];
        size_t i;
        int ret;

        print_case("123#DEADBEEF", 1600000000123456789ull, "can0", 0, CANRING_DIR_NONE, 0,
                   "(1600000000.123456) can0 123#DEADBEEF\n");
        print_case("123#DEADBEEF", 1600000000123456789ull, "can0", 0, CANRING_DIR_RX, 0,
                   "(1600000000.123456) can0 123#DEADBEEF R\n");
        print_case("123##1DEADBEEF", 1000, "can0", 6, CANRING_DIR_TX, 0,
                   "(0000000000.000001)   can0 123##1DEADBEEF T\n");
        print_case("123#DEADBEEF", 1600000000123456789ull, "vcan1", 0, CANRING_DIR_NONE,
                   CANRING_LOG_NS, "(1600000000.123456789) vcan1 123#DEADBEEF\n");
        print_case("123#1122334455667788_A", 1, "c", 0, CANRING_DIR_NONE,
                   CANRING_LOG_NS | CANRING_PRINT_LEN8_DLC,
                   "(0000000000.000000001) c 123#1122334455667788_A\n");

        ret =
            canring_log_line_parse("(1600000000.123456) can0 123#DEADBEEF\n", &e, err, sizeof(err));
        CHECK(ret == 0, "%s", err);
        CHECK(e.ts_ns == 1600000000123456000ull && strcmp(e.ifname, "can0") == 0 &&
                  e.frame.can_id == 0x123 && e.frame.len == 4 && e.mtu == CAN_MTU &&
                  e.dir == CANRING_DIR_NONE,
              "basic line");
        ret = canring_log_line_parse("(1600000000.123456789)   vcan10 12345678##1AA T\r\n", &e, err,
                                     sizeof(err));
        CHECK(ret == 0, "%s", err);
        CHECK(e.ts_ns == 1600000000123456789ull && strcmp(e.ifname, "vcan10") == 0 &&
                  e.frame.can_id == (0x12345678 | CAN_EFF_FLAG) && e.mtu == CANFD_MTU &&
                  e.frame.flags == 1 && e.dir == CANRING_DIR_TX,
              "ns line with padding, FD and T");
        ret = canring_log_line_parse("(1.5) x 123#R R", &e, err, sizeof(err));
        CHECK(ret == 0 && e.ts_ns == 1500000000ull && e.dir == CANRING_DIR_RX &&
                  (e.frame.can_id & CAN_RTR_FLAG),
              "short fraction, no newline: %s", err);

        ret = canring_log_line_parse("(18446744073.709551615) c 123#", &e, err, sizeof(err));
        CHECK(ret == 0 && e.ts_ns == UINT64_MAX, "largest timestamp: %s", err);

        static const char *const skip[] = {"", "\n", "   \n", "# comment\n",
                                           "DROPCOUNT: dropped 3 CAN frames on 'can0' socket "
                                           "(total drops 3)\n"};
        for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
                CHECK(canring_log_line_parse(skip[i], &e, err, sizeof(err)) == -ENODATA,
                      "'%s' not skipped", skip[i]);

        static const struct {
                const char *line, *reason;
        } bads[] = {
            {"1600000000.123456 can0 123#11", "expected '('"},
            {"() can0 123#11", "expected digits after '('"},
            {"(16) can0 123#11", "expected '.'"},
            {"(16.) can0 123#11", "expected digits after '.'"},
            {"(16.1234567890) can0 123#11", "more than 9 fraction digits"},
            {"(16.12x) can0 123#11", "expected ')'"},
            {"(99999999999999999999.1) can0 123#11", "out of range"},
            {"(16.1)can0 123#11", "expected a space"},
            {"(16.1) ", "missing interface name"},
            {"(16.1) can0", "missing frame"},
            {"(16.1) can0 \n", "missing frame"},
            {"(16.1) abcdefghijklmnop 123#11", "interface name too long"},
            {"(16.1) can0 123#1", "odd number"},
            {"(16.1) can0 123#11 X", "unexpected text 'X'"},
            {"(16.1) can0 123#11 R R", "unexpected text 'R'"},
            {"(16.1) can0 123#11 RT", "unexpected text 'RT'"},
            {"(16.1) can0 123#11\nmore", "line break inside"},
        };
        for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
                err[0] = '\0';
                ret = canring_log_line_parse(bads[i].line, &e, err, sizeof(err));
                CHECK(ret == -EINVAL, "'%s' accepted (%d)", bads[i].line, ret);
                CHECK(strstr(err, bads[i].reason), "'%s': '%s', want '%s'", bads[i].line, err,
                      bads[i].reason);
        }

        if (failures)
                return 1;
        printf("ok\n");
        return 0;
}
