/* SPDX-License-Identifier: MIT */
/*
 * In one process: two producer threads (one per ring) and three consumer threads reading both
 * rings: a tethered one checking every record, a busy-polling tethered one, and a lossy one whose
 * loss must be exact. Three times: with the default wake-up barrier, with
 * CANRING_PRODUCER_FENCED_COMMIT, and with that and deferred wake-ups (commit_deferred, the wake
 * paid whenever the producer pauses, as canring run's engine does). Meant for ThreadSanitizer
 * (label "tsan"); it also runs in other builds.
 *
 * The lossy reader looks only at sequence numbers (read atomically): reading a record's body
 * while the producer may overwrite it is the race that release() exists to detect, and it is by
 * design, so a ThreadSanitizer test must not do it.
 */
#include <pthread.h>

#include "ring_test.h"

#define NRINGS 2

static char name[64];
static uint64_t total; /* records per ring, before the end-of-stream record */
static struct canring_producer *prod;
static int deferred; /* commit_deferred, flush_wake when the producer pauses */

static void *producer(void *arg)
{
        unsigned ring = (unsigned)(uintptr_t)arg;
        uint64_t seq = 0;

        while (seq < total) {
                unsigned n = total - seq < 16 ? (unsigned)(total - seq) : 16;
                int ret = rt_publish_as(prod, ring, seq, n, deferred);

                if (ret == -EAGAIN) {
                        if (deferred)
                                canring_producer_flush_wake(prod, ring);
                        sched_yield();
                        continue;
                }
                if (ret)
                        FAIL("publish: %s", canring_strerror(ret));
                seq += n;
        }
        if (deferred)
                canring_producer_flush_wake(prod, ring);
        return NULL;
}

struct reader {
        uint32_t flags;
        int full_check;
        struct canring_consumer *c;
        uint64_t seen[NRINGS];
};

static void *consumer(void *arg)
{
        struct reader *rd = arg;
        const struct canring_record *recs[64];
        uint64_t next[NRINGS] = {0};
        int ret;

        while ((ret = canring_consumer_wait(rd->c, 10000)) == 0) {
                int got = canring_consumer_read(rd->c, recs, 64);
                unsigned ring = canring_consumer_batch_ring(rd->c);
                uint64_t first = got > 0 ? canring_record_seq(recs[0]) : 0;
                int bad = 0;

                CHECK(got >= 0);
                for (int i = 0; i < got; i++) {
                        uint64_t seq = canring_record_seq(recs[i]);

                        bad |= seq != first + i;
                        if (rd->full_check && seq < total)
                                bad |= rt_check(recs[i], seq) != 0;
                }
                ret = canring_consumer_release(rd->c);
                if (ret == -ESTALE && !(rd->flags & CANRING_CONSUMER_TETHERED))
                        continue;
                CHECK_EQ(ret, 0);
                if (!got)
                        continue;
                CHECK(!bad);
                if (rd->flags & CANRING_CONSUMER_TETHERED)
                        CHECK_EQ(first, next[ring]);
                next[ring] = first + got;
                rd->seen[ring] += got;
        }
        CHECK_EQ(ret, -EPIPE);
        return NULL;
}

/* One run with the given producer flags (the wake-up protocol's barrier on either side) and
 * commit kind. */
static void run(uint32_t flags, int defer)
{
        struct canring_producer_config cfg = {.nrings = NRINGS,
                                              .ring_size = 16384,
                                              .nchannels = 4,
                                              .max_consumers = 4,
                                              .flags = flags};
        struct reader rd[3] = {
            {.flags = CANRING_CONSUMER_TETHERED, .full_check = 1},
            {.flags = CANRING_CONSUMER_TETHERED | CANRING_CONSUMER_BUSY_POLL, .full_check = 1},
            {.flags = 0},
        };
        pthread_t pt[NRINGS], ct[3];

        snprintf(name, sizeof(name), "%s", rt_name("threads"));
        cfg.name = name;
        total = rt_records(1000000);
        deferred = defer;
        CHECK_EQ(canring_producer_create(&cfg, &prod), 0);
        for (int i = 0; i < 3; i++) {
                struct canring_consumer_options opt = {.flags = rd[i].flags};

                CHECK_EQ(canring_consumer_attach(name, &opt, &rd[i].c), 0);
                CHECK(pthread_create(&ct[i], NULL, consumer, &rd[i]) == 0);
        }
        for (unsigned r = 0; r < NRINGS; r++)
                CHECK(pthread_create(&pt[r], NULL, producer, (void *)(uintptr_t)r) == 0);
        for (unsigned r = 0; r < NRINGS; r++)
                CHECK(pthread_join(pt[r], NULL) == 0);
        CHECK_EQ(canring_producer_end(prod), 0);
        for (int i = 0; i < 3; i++) {
                struct canring_consumer_ring_stats st;

                CHECK(pthread_join(ct[i], NULL) == 0);
                for (unsigned r = 0; r < NRINGS; r++) {
                        CHECK_EQ(canring_consumer_ring_stats(rd[i].c, r, &st), 0);
                        CHECK_EQ(st.read, rd[i].seen[r]);
                        CHECK_EQ(st.read + st.lost, total + 1);
                        if (rd[i].flags & CANRING_CONSUMER_TETHERED)
                                CHECK_EQ(st.lost, 0);
                }
                printf("consumer %d: read %llu + %llu, lost %llu\n", i,
                       (unsigned long long)rd[i].seen[0], (unsigned long long)rd[i].seen[1],
                       (unsigned long long)canring_consumer_lost(rd[i].c));
                canring_consumer_detach(rd[i].c);
        }
        canring_producer_destroy(prod);
}

int main(void)
{
        run(0, 0);                              /* consumers' membarrier before they sleep */
        run(CANRING_PRODUCER_FENCED_COMMIT, 0); /* commit's own barrier */
        run(CANRING_PRODUCER_FENCED_COMMIT, 1); /* ... and deferred wake-ups */
        return 0;
}
