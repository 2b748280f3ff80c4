/* SPDX-License-Identifier: MIT */
/*
 * One producer process publishes millions of checksummed records (classic, FD and events) into a
 * real shared-memory segment; four consumer processes read them at once. The three fast ones must
 * see every record in order and intact. The slow one, which holds batches while sleeping, is
 * lapped: it must never accept a torn record, and its loss counter must equal exactly the number
 * of records it did not see.
 */
#include <signal.h>
#include <sys/wait.h>

#include "ring_test.h"

#define FAST 3

static uint64_t total; /* records before the end-of-stream record */
static uint32_t ring_bytes;
static uint64_t rate; /* records per second */
static char name[64]; /* the parent's: children have other pids */

static void producer(int ready_fd)
{
        struct canring_producer_config cfg = {
            .name = name, .nrings = 1, .ring_size = ring_bytes, .nchannels = 4, .max_consumers = 8};
        struct canring_producer *p;
        uint64_t seq = 0, start, deadline;
        int ret = canring_producer_create(&cfg, &p);

        if (ret)
                FAIL("create: %s", canring_strerror(ret));
        CHECK_EQ(write(ready_fd, "r", 1), 1);
        deadline = rt_now_ns() + 20000000000ull;
        while (canring_producer_consumers(p) < FAST + 1) {
                if (rt_now_ns() > deadline)
                        FAIL("consumers did not attach");
                usleep(1000);
        }
        start = rt_now_ns();
        while (seq < total) {
                unsigned n = total - seq < 64 ? (unsigned)(total - seq) : 64;

                ret = rt_publish(p, 0, seq, n);
                if (ret)
                        FAIL("publish: %s", canring_strerror(ret));
                seq += n;
                /* Paced so that the fast consumers keep well inside the ring on a busy machine. */
                if (seq % 65536 < 64) {
                        uint64_t due = start + seq * 1000000000ull / rate, now = rt_now_ns();

                        if (due > now)
                                usleep((useconds_t)((due - now) / 1000));
                }
        }
        canring_producer_end(p);
        canring_producer_destroy(p);
        exit(0);
}

static void fast_consumer(int id)
{
        struct canring_consumer *c;
        const struct canring_record *recs[256];
        uint64_t next = 0;
        int ret = canring_consumer_attach(name, NULL, &c), eos = 0;

        if (ret)
                FAIL("attach: %s", canring_strerror(ret));
        while (!eos) {
                int got;

                ret = canring_consumer_wait(c, 5000);
                if (ret)
                        FAIL("fast consumer %d: wait: %s after %llu records", id,
                             canring_strerror(ret), (unsigned long long)next);
                while ((got = canring_consumer_read(c, recs, 256)) > 0) {
                        for (int i = 0; i < got; i++) {
                                const struct canring_record *r = recs[i];

                                if (next == total) {
                                        const struct canring_event *ev = canring_record_event(r);

                                        CHECK(ev && ev->type == CANRING_EVENT_END_OF_STREAM);
                                        CHECK_EQ(ev->value[0], total);
                                        CHECK_EQ(r->seq, total);
                                        eos = 1;
                                        continue;
                                }
                                if (rt_check(r, next))
                                        FAIL(
                                            "fast consumer %d: record %llu is not intact or out of "
                                            "order (seq %llu)",
                                            id, (unsigned long long)next,
                                            (unsigned long long)r->seq);
                                next++;
                        }
                        ret = canring_consumer_release(c);
                        if (ret)
                                FAIL("fast consumer %d: release: %s", id, canring_strerror(ret));
                }
                CHECK(got >= 0);
        }
        CHECK_EQ(next, total);
        CHECK_EQ(canring_consumer_lost(c), 0);
        CHECK_EQ(canring_consumer_wait(c, 1000), -EPIPE);
        canring_consumer_detach(c);
        printf("fast consumer %d: %llu records in order and intact, 0 lost\n", id,
               (unsigned long long)next);
        exit(0);
}

static void slow_consumer(void)
{
        struct canring_consumer *c;
        const struct canring_record *recs[64];
        uint64_t seen = 0, last = UINT64_MAX, stale = 0, lost_at_last = 0;
        int ret = canring_consumer_attach(name, NULL, &c), eos = 0;

        if (ret)
                FAIL("attach: %s", canring_strerror(ret));
        while (!eos) {
                int got, bad = 0;
                uint64_t first;

                ret = canring_consumer_wait(c, 5000);
                if (ret)
                        FAIL("slow consumer: wait: %s", canring_strerror(ret));
                got = canring_consumer_read(c, recs, 64);
                CHECK(got >= 0);
                if (got == 0)
                        continue;
                first = canring_record_seq(recs[0]);
                for (int i = 0; i < got; i++)
                        bad |= canring_record_seq(recs[i]) != first + i ||
                               (first + i < total && rt_check(recs[i], first + i));
                /* Hold the batch while the producer runs on: it may be overwritten meanwhile. */
                if (canring_consumer_producer_state(c) == CANRING_PRODUCER_ALIVE)
                        usleep(20000);
                ret = canring_consumer_release(c);
                if (ret == -ESTALE) {
                        stale++;
                        continue;
                }
                CHECK_EQ(ret, 0);
                if (bad)
                        FAIL("slow consumer accepted a torn or misordered batch at %llu",
                             (unsigned long long)first);
                /* Exactness: the gap since the last record seen equals the loss counted since. */
                if (last == UINT64_MAX)
                        CHECK_EQ(first, canring_consumer_lost(c));
                else
                        CHECK_EQ(first - last - 1, canring_consumer_lost(c) - lost_at_last);
                last = first + got - 1;
                lost_at_last = canring_consumer_lost(c);
                seen += got;
                eos = last == total;
        }
        CHECK_EQ(seen + canring_consumer_lost(c), total + 1);
        CHECK(canring_consumer_lost(c) > 0); /* it really was lapped */
        printf("slow consumer: saw %llu, lost %llu (exactly the rest of %llu), %llu batches "
               "overwritten while held\n",
               (unsigned long long)seen, (unsigned long long)canring_consumer_lost(c),
               (unsigned long long)total + 1, (unsigned long long)stale);
        canring_consumer_detach(c);
        exit(0);
}

int main(void)
{
        pid_t pids[FAST + 2];
        int fds[2], failed = 0;
        char ch;

        snprintf(name, sizeof(name), "%s", rt_name("bcast"));
        total = rt_records(20000000);
        /*
         * About a third of the records fit in the ring, published over ~8 s: a fast consumer has
         * seconds of slack even on a machine busy with other work, the slow one is lapped often.
         */
        ring_bytes = CANRING_RING_MIN;
        while ((uint64_t)ring_bytes * 3 < total * CANRING_SLOT_SIZE && ring_bytes < (1u << 29))
                ring_bytes <<= 1;
        rate = total / 8 + 1;
        CHECK(pipe(fds) == 0);
        pids[0] = fork();
        CHECK(pids[0] >= 0);
        if (pids[0] == 0)
                producer(fds[1]);
        CHECK_EQ(read(fds[0], &ch, 1), 1);
        for (int i = 1; i <= FAST + 1; i++) {
                pids[i] = fork();
                CHECK(pids[i] >= 0);
                if (pids[i] == 0) {
                        if (i <= FAST)
                                fast_consumer(i);
                        slow_consumer();
                }
        }
        for (int i = 0; i <= FAST + 1; i++) {
                int status;

                CHECK_EQ(waitpid(pids[i], &status, 0), pids[i]);
                if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                        fprintf(stderr, "process %d (%s) failed, status 0x%x\n", i,
                                i == 0 ? "producer" : "consumer", status);
                        failed = 1;
                }
        }
        printf("%llu records, ring %u bytes\n", (unsigned long long)total, ring_bytes);
        return failed;
}
