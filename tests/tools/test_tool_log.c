/* SPDX-License-Identifier: MIT */
/*
 * `canring log` writes every record losslessly in candump's .log format: the frames parse back
 * to what was published (error frame payload, RTR length, _X DLC, FD flags, direction), events
 * become '# canring' comment lines, --ns keeps nanoseconds; SIGTERM ends it with a whole file.
 */
#include "tools_test.h"

#define NREC 8
static struct canring_record recs[NREC];
static const char *const names[] = {"can0", "vcan11"};

static void make_records(void)
{
        recs[0] = th_classic(0, 0x123, "DEADBEEF", TS0);
        recs[1] = th_classic(1, 0x1abcdef0 | CAN_EFF_FLAG, "", TS0 + 1001);
        recs[1].flags = CANRING_FLAG_TX;
        recs[2] = th_classic(0, 0x7FF | CAN_RTR_FLAG, NULL, TS0 + 2002);
        recs[2].can.len = 5;
        recs[3] = th_classic(1, CAN_ERR_FLAG | CAN_ERR_PROT | CAN_ERR_BUSERROR, "0000080000000000",
                             TS0 + 3003);
        recs[4] = th_classic(0, 0x001, "0102030405060708", TS0 + 4004);
        recs[4].can.len8_dlc = 15;
        memset(&recs[5], 0, sizeof(recs[5]));
        recs[5].kind = CANRING_KIND_FD;
        recs[5].channel = 1;
        recs[5].sw_ts_ns = TS0 + 5005;
        recs[5].flags = CANRING_FLAG_BRS | CANRING_FLAG_ESI;
        recs[5].canfd.can_id = 0x18ff00aa | CAN_EFF_FLAG;
        recs[5].canfd.len = 64;
        recs[5].canfd.flags = CANFD_BRS | CANFD_ESI;
        for (int i = 0; i < 64; i++)
                recs[5].canfd.data[i] = (uint8_t)(0xff - i);
        memset(&recs[6], 0, sizeof(recs[6]));
        recs[6].kind = CANRING_KIND_EVENT;
        recs[6].channel = 0;
        recs[6].sw_ts_ns = TS0 + 6006;
        recs[6].event.type = CANRING_EVENT_GAP;
        recs[6].event.value[0] = 250000;
        recs[6].event.value[1] = 3;
        recs[7] = th_classic(0, 0x555, "", TS0 + 7007);
}

/* Checks that LINE is record R as logged (timestamps in microseconds unless NS). */
static void check_line(const char *line, const struct canring_record *r, bool ns)
{
        struct canring_log_entry e;
        char err[128];
        size_t mtu = r->kind == CANRING_KIND_FD ? CANFD_MTU : CAN_MTU;

        if (canring_log_line_parse(line, &e, err, sizeof(err)))
                FAIL("line '%s' does not parse: %s", line, err);
        CHECK_EQ(e.ts_ns, ns ? r->sw_ts_ns : r->sw_ts_ns / 1000 * 1000);
        CHECK_STR(e.ifname, names[r->channel]);
        CHECK_EQ(e.mtu, mtu);
        CHECK_EQ(e.frame.can_id, r->can.can_id);
        CHECK_EQ(e.frame.len, r->can.len);
        CHECK(memcmp(e.frame.data, r->canfd.data, e.frame.len) == 0);
        if (mtu == CANFD_MTU)
                CHECK_EQ(e.frame.flags, r->canfd.flags);
        else
                CHECK_EQ(((struct can_frame *)&e.frame)->len8_dlc, r->can.len8_dlc);
        CHECK_EQ(e.dir, r->flags & CANRING_FLAG_TX ? CANRING_DIR_TX : CANRING_DIR_RX);
}

static void check_file(const char *path, bool ns)
{
        char *text = th_slurp(path, NULL);
        char *save = NULL, *line;
        int i = 0;

        for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                if (i == 6) {
                        CHECK_STR(line, "# canring gap can0 ns=250000 reason=3 "
                                        "ts=1600000000.123462795");
                        i++;
                        continue;
                }
                if (i == NREC) {
                        CHECK(strncmp(line, "# canring end-of-stream records=8 ", 34) == 0);
                        i++;
                        continue;
                }
                CHECK(i < NREC);
                check_line(line, &recs[i++], ns);
        }
        CHECK_EQ(i, NREC + 1);
}

int main(void)
{
        struct canring_producer *p;
        int st;

        th_setup();
        make_records();
        p = th_producer(names, 2, 1 << 16, 500000);
        for (int i = 0; i < NREC; i++)
                th_publish(p, &recs[i]);
        CHECK_EQ(canring_producer_end(p), 0);

        st = th_run((char *const[]){"log", "--segment", "seg", "--oldest", "--dir", th_dir,
                                    "--name", "us-%i.log", NULL});
        CHECK_EQ(st, 0);
        check_file(th_path("us-0000.log"), false);
        /* Exact bytes of lines that have one candump form. */
        char *text = th_slurp(th_path("us-0000.log"), NULL);
        CHECK(strstr(text, "(1600000000.123456) can0 123#DEADBEEF R\n") == text);
        CHECK(strstr(text, "(1600000000.123458) can0 7FF#R5 R\n") != NULL);
        CHECK(strstr(text, "(1600000000.123460) can0 001#0102030405060708_F R\n") != NULL);
        CHECK(strstr(text, "(1600000000.123457) vcan11 1ABCDEF0# T\n") != NULL);
        CHECK(strstr(text, "(1600000000.123459) vcan11 20000088#0000080000000000 R\n") != NULL);
        CHECK(strstr(text, "(1600000000.123461) vcan11 18FF00AA##3FFFEFD") != NULL);

        st = th_run((char *const[]){"log", "--segment", "seg", "--oldest", "--dir", th_dir,
                                    "--name", "ns-%i.log", "--ns", "--flush", "every", NULL});
        CHECK_EQ(st, 0);
        check_file(th_path("ns-0000.log"), true);

        /* Channel selection: only can0, and only what its filter lets through. */
        st = th_run((char *const[]){"log", "--segment", "seg", "--oldest", "--dir", th_dir,
                                    "--name", "sel.log", "can0,7FF:7FF", NULL});
        CHECK_EQ(st, 0);
        text = th_slurp(th_path("sel.log"), NULL);
        CHECK(strncmp(text, "(1600000000.123458) can0 7FF#R5 R\n# canring gap can0 ", 52) == 0);
        canring_producer_destroy(p);

        /* A live stream stopped with SIGTERM: everything read so far is in the file, whole. */
        p = th_producer(names, 2, 1 << 16, 500000);
        pid_t pid = th_spawn(th_path("out"), th_path("err"), 0,
                             (char *const[]){"log", "--segment", "seg", "--dir", th_dir, "--name",
                                             "term.log", "--flush", "0.05", NULL});
        th_wait_consumers(p, 1);
        for (int i = 0; i < 1000; i++) {
                struct canring_record r = th_classic(i % 2, (canid_t)i, "00112233", TS0 + i);
                th_publish(p, &r);
        }
        size_t size = 0;
        for (int i = 0; i < 3000 && size < 1000 * 30; i++) {
                struct stat sb;
                if (stat(th_path("term.log"), &sb) == 0)
                        size = (size_t)sb.st_size;
                usleep(10000);
        }
        kill(pid, SIGTERM);
        CHECK_EQ(th_wait(pid), 0);
        text = th_slurp(th_path("term.log"), &size);
        CHECK(size > 0 && text[size - 1] == '\n');
        int lines = 0;
        for (char *s = text; *s; s++)
                lines += *s == '\n';
        CHECK_EQ(lines, 1000);
        canring_producer_destroy(p);
        return 0;
}
