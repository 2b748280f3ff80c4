/* SPDX-License-Identifier: MIT */
/*
 * A logger that falls behind (stopped with SIGSTOP while the producer laps it) writes a
 * "# canring lost" marker where records are missing, with the exact count: frames written plus
 * records reported lost equals records published. With --tethered nothing is lost: the producer
 * is refused instead.
 */
#include "tools_test.h"

#define RING_BYTES 4096 /* 64 slots */
static const char *const names[] = {"can0"};

static void publish_range(struct canring_producer *p, int from, int to)
{
        for (int i = from; i < to; i++) {
                struct canring_record r =
                    th_classic(0, (canid_t)(i & 0x7ff), "0102", TS0 + i * 1000ull);
                th_publish(p, &r);
        }
}

/* Counts frame lines and sums the "records=" of lost markers; checks frames are in order. */
static void scan(const char *path, uint64_t *frames, uint64_t *lost, uint64_t *markers)
{
        char *text = th_slurp(path, NULL);
        char *save = NULL;
        long last = -1;

        *frames = *lost = *markers = 0;
        for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                struct canring_log_entry e;
                unsigned long long n;

                if (sscanf(l, "# canring lost ring=0 records=%llu", &n) == 1) {
                        *lost += n;
                        (*markers)++;
                        continue;
                }
                if (l[0] == '#')
                        continue;
                if (canring_log_line_parse(l, &e, NULL, 0))
                        FAIL("bad line '%s'", l);
                long idx = (long)(e.ts_ns - TS0 / 1000 * 1000) / 1000;
                CHECK(idx > last);
                last = idx;
                (*frames)++;
        }
}

int main(void)
{
        uint64_t frames, lost, markers;
        struct canring_producer *p;
        pid_t pid;

        th_setup();
        p = th_producer(names, 1, RING_BYTES, 0);
        pid = th_spawn(th_path("out"), th_path("err"), 0,
                       (char *const[]){"log", "--segment", "seg", "--dir", th_dir, "--name",
                                       "lossy.log", NULL});
        th_wait_consumers(p, 1);
        CHECK_EQ(kill(pid, SIGSTOP), 0);
        publish_range(p, 0, 500); /* laps the stopped reader several times over */
        CHECK_EQ(kill(pid, SIGCONT), 0);
        publish_range(p, 500, 510);
        CHECK_EQ(canring_producer_end(p), 0);
        CHECK_EQ(th_wait(pid), 0);
        scan(th_path("lossy.log"), &frames, &lost, &markers);
        CHECK(markers >= 1);
        CHECK(lost >= 500 - 64);
        CHECK_EQ(frames + lost, 510 + 1 /* the end-of-stream record is never lost */ - 1);
        CHECK(strstr(th_slurp(th_path("err"), NULL), "lost") != NULL);
        canring_producer_destroy(p);

        /* Tethered: the producer is refused while the logger is stopped; nothing is lost. */
        p = th_producer(names, 1, RING_BYTES, 0);
        pid = th_spawn(th_path("out"), th_path("err"), 0,
                       (char *const[]){"log", "--segment", "seg", "--dir", th_dir, "--name",
                                       "tethered.log", "--tethered", NULL});
        th_wait_consumers(p, 1);
        CHECK_EQ(kill(pid, SIGSTOP), 0);
        int published = 0, refused = 0;
        for (int i = 0; i < 200; i++) {
                struct canring_batch b;
                int ret = canring_producer_reserve(p, 0, 1, &b);

                if (ret == -EAGAIN) {
                        refused++;
                        continue;
                }
                CHECK_EQ(ret, 0);
                struct canring_record *w = canring_batch_add(&b, CANRING_KIND_CLASSIC);
                struct canring_record r = th_classic(0, 0x100, "AA", TS0 + published * 1000ull);
                w->sw_ts_ns = r.sw_ts_ns;
                w->hw_ts_ns = 0;
                w->channel = 0;
                w->flags = 0;
                w->can = r.can;
                CHECK(canring_producer_commit(p, &b) >= 0);
                published++;
        }
        CHECK(refused > 0);
        CHECK_EQ(kill(pid, SIGCONT), 0);
        for (int i = 0; i < 3000 && canring_producer_end(p) == -EAGAIN; i++)
                usleep(10000);
        CHECK_EQ(th_wait(pid), 0);
        scan(th_path("tethered.log"), &frames, &lost, &markers);
        CHECK_EQ(lost, 0);
        CHECK_EQ(frames, published);
        canring_producer_destroy(p);
        return 0;
}
