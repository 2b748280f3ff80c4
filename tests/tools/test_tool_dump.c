/* SPDX-License-Identifier: MIT */
/*
 * `canring dump` prints candump's bytes for known records: default, -L, -x, -e, -t, -n, channel
 * selection by name, candump filters, repeated channels, the growing name width and the SFF
 * indent after the first EFF frame, -d DROPCOUNT lines, events on stderr only.
 */
#include "tools_test.h"

#define NREC 7
static struct canring_record recs[NREC];

static void make_records(void)
{
        uint64_t ts = TS0;

        recs[0] = th_classic(0, 0x123, "DEADBEEF", ts);
        recs[1] = th_classic(1, 0x12345678 | CAN_EFF_FLAG, "1122", ts + 1000000);
        recs[1].flags = CANRING_FLAG_LOCAL;
        memset(&recs[2], 0, sizeof(recs[2]));
        recs[2].kind = CANRING_KIND_FD;
        recs[2].sw_ts_ns = ts + 2000000;
        recs[2].flags = CANRING_FLAG_BRS;
        recs[2].canfd.can_id = 0x456;
        recs[2].canfd.len = 12;
        recs[2].canfd.flags = CANFD_BRS;
        for (int i = 0; i < 12; i++)
                recs[2].canfd.data[i] = (uint8_t)i;
        recs[3] = th_classic(0, CAN_ERR_FLAG | CAN_ERR_CRTL, "0004000000000000", ts + 3000000);
        recs[4] = th_classic(1, 0x7FF | CAN_RTR_FLAG, NULL, ts + 4000000);
        recs[4].can.len = 3;
        memset(&recs[5], 0, sizeof(recs[5]));
        recs[5].kind = CANRING_KIND_EVENT;
        recs[5].sw_ts_ns = ts + 5000000;
        recs[5].event.type = CANRING_EVENT_SOCKET_DROP;
        recs[5].event.value[0] = 5;
        recs[5].event.value[1] = 17;
        recs[6] = th_classic(0, 0x100, "4142434445464748", ts + 6000000);
        recs[6].can.len8_dlc = 12;
}

static const char *const names[] = {"vcan0", "can1"};

/* What candump prints for the records (its logic, restated): frames of channels in SEL. */
static char *expect_lines(struct canring_dump_fmt fmt, bool errors)
{
        static char out[16384];
        size_t pos = 0;

        out[0] = '\0';
        for (int i = 0; i < NREC; i++) {
                const struct canring_record *r = &recs[i];
                struct canfd_frame f;
                size_t mtu = r->kind == CANRING_KIND_FD ? CANFD_MTU : CAN_MTU;

                if (r->kind == CANRING_KIND_EVENT || (r->kind == CANRING_KIND_ERROR && !errors))
                        continue;
                memset(&f, 0, sizeof(f));
                memcpy(&f, &r->canfd, mtu);
                const char *name = names[r->channel];
                if ((int)strlen(name) > fmt.ifname_width)
                        fmt.ifname_width = (int)strlen(name);
                if (f.can_id & CAN_EFF_FLAG)
                        fmt.view |= CANRING_VIEW_INDENT_SFF;
                pos += (size_t)canring_dump_line_print(
                    out + pos, sizeof(out) - pos, &fmt, r->sw_ts_ns, name, &f, mtu,
                    r->flags & CANRING_FLAG_LOCAL ? CANRING_DIR_TX : CANRING_DIR_RX);
        }
        return out;
}

static char *run_out(char *const args[])
{
        int st = th_run(args);

        if (st != 0)
                FAIL("exit %d, stderr:\n%s", st, th_slurp(th_path("err"), NULL));
        return th_slurp(th_path("out"), NULL);
}

#define DUMP(...)                                                                                  \
        run_out((char *const[]){"dump", "--segment", "seg", "--oldest", __VA_ARGS__, NULL})

int main(void)
{
        struct canring_dump_fmt fmt;
        struct canring_producer *p;

        th_setup();
        make_records();
        p = th_producer(names, 2, 1 << 16, 500000);
        for (int i = 0; i < NREC; i++)
                th_publish(p, &recs[i]);
        CHECK_EQ(canring_producer_end(p), 0);

        /* Default form; no CHANNEL is `candump any`: width starts at 3. */
        memset(&fmt, 0, sizeof(fmt));
        fmt.ifname_width = 3;
        char *out = run_out((char *const[]){"dump", "--segment", "seg", "--oldest", NULL});
        CHECK_STR(out, expect_lines(fmt, false));
        CHECK(strncmp(out, "  vcan0  123   [4]  DE AD BE EF\n", 32) == 0);
        CHECK(strstr(out, "\n  vcan0       100   [8]  41 42 43 44 45 46 47 48\n") != NULL);

        /* -L: log lines, width growing from 3 to 5 with the first vcan0 frame. */
        const char *log_lines = "(1600000000.123456) vcan0 123#DEADBEEF\n"
                                "(1600000000.124456)  can1 12345678#1122\n"
                                "(1600000000.125456) vcan0 456##1000102030405060708090A0B\n"
                                "(1600000000.127456)  can1 7FF#R3\n"
                                "(1600000000.129456) vcan0 100#4142434445464748\n";
        CHECK_STR(DUMP("-L"), log_lines);

        /* -n 2 stops after two frames. */
        CHECK_STR(DUMP("-L", "-n", "2"), "(1600000000.123456) vcan0 123#DEADBEEF\n"
                                         "(1600000000.124456)  can1 12345678#1122\n");

        /* -L -x --ns on one channel: direction suffix, nine fraction digits. */
        CHECK_STR(DUMP("-L", "-x", "--ns", "vcan0"),
                  "(1600000000.123456789) vcan0 123#DEADBEEF R\n"
                  "(1600000000.125456789) vcan0 456##1000102030405060708090A0B R\n"
                  "(1600000000.129456789) vcan0 100#4142434445464748 R\n");
        CHECK_STR(DUMP("-L", "-x", "can1"), "(1600000000.124456) can1 12345678#1122 T\n"
                                            "(1600000000.127456) can1 7FF#R3 R\n");

        /* candump filters per channel, kernel semantics. */
        CHECK_STR(DUMP("-L", "vcan0,100:7FF", "can1,12345678:1FFFFFFF"),
                  "(1600000000.124456)  can1 12345678#1122\n"
                  "(1600000000.129456) vcan0 100#4142434445464748\n");
        CHECK_STR(DUMP("-L", "any,400~700"), "(1600000000.123456) vcan0 123#DEADBEEF\n"
                                             "(1600000000.124456)  can1 12345678#1122\n"
                                             "(1600000000.127456)  can1 7FF#R3\n"
                                             "(1600000000.129456) vcan0 100#4142434445464748\n");

        /* Two arguments selecting the same channel print its frames twice, like two sockets. */
        out = DUMP("-L", "vcan0", "any");
        CHECK(strstr(out, "(1600000000.123456) vcan0 123#DEADBEEF\n"
                          "(1600000000.123456) vcan0 123#DEADBEEF\n"
                          "(1600000000.124456)  can1 12345678#1122\n") == out);

        /* -x -e with an error mask: the error frame, decoded. */
        memset(&fmt, 0, sizeof(fmt));
        fmt.ifname_width = 3;
        fmt.extra = true;
        fmt.view = CANRING_VIEW_ERROR;
        out = DUMP("-x", "-e", "any,0:0,#FFFFFFFF");
        CHECK_STR(out, expect_lines(fmt, true));
        CHECK(strstr(out, "ERRORFRAME\n\tcontroller-problem{rx-error-warning}\n") != NULL);
        CHECK(strstr(out, "  can1  TX - -  12345678   [2]  11 22\n") != NULL);
        CHECK(strstr(out, "  vcan0  RX B -  ") != NULL);

        /* Timestamp prefixes and -a. */
        for (const char *m = "adzA"; *m; m++) {
                char opt[2] = {*m, 0};

                memset(&fmt, 0, sizeof(fmt));
                fmt.ifname_width = 3;
                fmt.ts_mode = (enum canring_ts_mode) * m;
                fmt.view = CANRING_VIEW_ASCII;
                CHECK_STR(DUMP("-a", "-t", opt), expect_lines(fmt, false));
        }
        CHECK(strstr(DUMP("-tz"), " (000.000000)  vcan0  123   [4]  DE AD BE EF\n") != NULL);

        /* -d: candump's DROPCOUNT line for the socket drop event, in stream order. */
        CHECK_STR(DUMP("-L", "-d"),
                  "(1600000000.123456) vcan0 123#DEADBEEF\n"
                  "(1600000000.124456)  can1 12345678#1122\n"
                  "(1600000000.125456) vcan0 456##1000102030405060708090A0B\n"
                  "(1600000000.127456)  can1 7FF#R3\n"
                  "DROPCOUNT: dropped 5 CAN frames on 'any' socket (total drops 17)\n"
                  "(1600000000.129456) vcan0 100#4142434445464748\n");

        /* --events: ring events on stderr, stdout unchanged. */
        CHECK_STR(DUMP("-L", "--events"), log_lines);
        char *err = th_slurp(th_path("err"), NULL);
        CHECK(strstr(err, "# canring socket-drop vcan0 frames=5 total=17 "
                          "ts=1600000000.128456789\n") != NULL);
        CHECK(strstr(err, "# canring end-of-stream records=7 ") != NULL);

        canring_producer_destroy(p);
        return 0;
}
