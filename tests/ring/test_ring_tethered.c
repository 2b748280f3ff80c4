/* SPDX-License-Identifier: MIT */
/*
 * A tethered consumer process reading a small ring, slower than the producer: it loses nothing,
 * every record arrives in order and intact, and the producer is refused with -EAGAIN
 * (back-pressure, counted on both sides) instead of overwriting. A lossy consumer attached at the
 * same time accounts exactly for what it loses.
 */
#include <sched.h>
#include <sys/wait.h>

#include "ring_test.h"

static char name[64];
static uint64_t total;

static void consumer(int tethered, int ready_fd)
{
        struct canring_consumer_options opt = {.flags = tethered ? CANRING_CONSUMER_TETHERED : 0};
        struct canring_consumer *c;
        struct canring_consumer_ring_stats st;
        const struct canring_record *recs[32];
        uint64_t next = 0, seen = 0;
        int ret = canring_consumer_attach(name, &opt, &c);

        if (ret)
                FAIL("attach: %s", canring_strerror(ret));
        CHECK_EQ(write(ready_fd, "r", 1), 1);
        for (;;) {
                int got;

                ret = canring_consumer_wait(c, 10000);
                if (ret == -EPIPE)
                        break;
                if (ret)
                        FAIL("wait: %s", canring_strerror(ret));
                got = canring_consumer_read(c, recs, 32);
                CHECK(got >= 0);
                for (int i = 0; i < got; i++) {
                        uint64_t seq = canring_record_seq(recs[i]);

                        if (seq == total)
                                continue; /* end of stream */
                        if (tethered && (seq != next || rt_check(recs[i], next)))
                                FAIL("tethered: record %llu not intact or out of order",
                                     (unsigned long long)next);
                        next = seq + 1;
                }
                ret = canring_consumer_release(c);
                if (ret == -ESTALE && !tethered)
                        continue;
                CHECK_EQ(ret, 0);
                seen += got;
                if (tethered && seen % 20000 < 32)
                        usleep(2000); /* slower than the producer, so it is held back */
        }
        CHECK_EQ(canring_consumer_ring_stats(c, 0, &st), 0);
        CHECK_EQ(seen + canring_consumer_lost(c), total + 1);
        if (tethered) {
                CHECK_EQ(canring_consumer_lost(c), 0);
                CHECK(st.backpressure > 0);
        }
        printf("%s consumer: %llu read, %llu lost, producer back-pressure %llu\n",
               tethered ? "tethered" : "lossy", (unsigned long long)seen,
               (unsigned long long)canring_consumer_lost(c), (unsigned long long)st.backpressure);
        canring_consumer_detach(c);
        exit(0);
}

int main(void)
{
        struct canring_producer_config cfg = {
            .nrings = 1, .ring_size = 65536, .nchannels = 4, .max_consumers = 4};
        struct canring_producer *p;
        uint64_t seq = 0, refused = 0;
        pid_t pids[2];
        int fds[2], ret, failed = 0;
        char ch;

        snprintf(name, sizeof(name), "%s", rt_name("tether"));
        cfg.name = name;
        total = rt_records(2000000);
        CHECK_EQ(canring_producer_create(&cfg, &p), 0);
        CHECK(pipe(fds) == 0);
        for (int i = 0; i < 2; i++) {
                pids[i] = fork();
                CHECK(pids[i] >= 0);
                if (pids[i] == 0)
                        consumer(i == 0, fds[1]);
                CHECK_EQ(read(fds[0], &ch, 1), 1);
        }
        while (seq < total) {
                unsigned n = total - seq < 32 ? (unsigned)(total - seq) : 32;

                ret = rt_publish(p, 0, seq, n);
                if (ret == -EAGAIN) {
                        /* What the engine does: stop publishing for now (it stops reading the
                         * socket, and the kernel counts what it then drops). */
                        refused++;
                        sched_yield();
                        continue;
                }
                CHECK_EQ(ret, 0);
                seq += n;
        }
        CHECK(refused > 0);
        CHECK_EQ(canring_producer_backpressure(p, 0), refused);
        canring_producer_end(p);
        for (int i = 0; i < 2; i++) {
                int status;

                CHECK_EQ(waitpid(pids[i], &status, 0), pids[i]);
                failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
        }
        canring_producer_destroy(p);
        printf("producer: %llu records, refused %llu times\n", (unsigned long long)total,
               (unsigned long long)refused);
        return failed;
}
