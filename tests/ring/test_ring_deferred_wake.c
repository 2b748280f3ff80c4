/* SPDX-License-Identifier: MIT */
/*
 * Deferred wake-ups (canring_producer_commit_deferred()): a deferred commit does not ring the
 * doorbell for a consumer asleep in a wait; canring_producer_flush_wake() does, once; so does a
 * deferred commit once a 32nd of the ring was committed since the sleepers were last woken. A
 * consumer that is awake sees a deferred commit at once, and a flush with nothing owed rings
 * nothing.
 *
 * The doorbell (the futex word at offset 192 of the segment, docs/shm-layout.md) counts the
 * wake-ups the producer gave; the test reads it through a mapping of its own. As in
 * test_ring_coalesce_wait, the main thread watches where the consumer thread is blocked
 * (/proc/self/task/TID/syscall) and the waiter count, never clocks. A sleeping consumer also
 * wakes on its own every CANRING_LIVENESS_MS to look for a dead producer: if that happens just
 * before a flush (so the flush finds no sleeper and rings nothing), the round is repeated.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>

#include "ring_rounds.h"

#define RING_BYTES 65536 /* 1024 slots: the threshold is 32 */
#define ROUNDS     8     /* 3, and up to 5 repeats of the first */

static const uint32_t *doorbell; /* in a read-only mapping of the segment */

static uint32_t bell(void)
{
        return __atomic_load_n(doorbell, __ATOMIC_ACQUIRE);
}

static void map_doorbell(const char *name)
{
        char path[256];
        void *m;
        int fd;

        CHECK_EQ(canring_shm_path(name, path, sizeof(path)), 0);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        CHECK(fd >= 0);
        m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
        CHECK(m != MAP_FAILED);
        close(fd);
        doorbell = (const uint32_t *)(const void *)((const char *)m + 192);
}

int main(void)
{
        struct canring_producer_config cfg = {.name = rt_name("defer"),
                                              .nrings = 1,
                                              .ring_size = RING_BYTES,
                                              .nchannels = 1,
                                              .max_consumers = 2,
                                              .flags = CANRING_PRODUCER_FENCED_COMMIT};
        const unsigned part = RING_BYTES / CANRING_SLOT_SIZE / CANRING_PRODUCER_DEFER_MAX_PART;
        struct canring_consumer *consumer;
        const uint32_t *waiters;
        pthread_t th;
        uint64_t seq = 0;
        uint32_t before;
        int round = 1, tries = 0;
        struct canring_producer *p = rr_open(&cfg, 0, ROUNDS, &consumer, &waiters, &th);

        map_doorbell(cfg.name);
        canring_producer_flush_wake(p, 1); /* no such ring: ignored */

        /* Round 1: a deferred record rings nothing; the flush rings once and wakes the sleeper. */
        rr_go_round(round);
        for (;;) {
                rr_wait_for_doorbell_sleep(waiters);
                before = bell();
                CHECK_EQ(rt_publish_as(p, 0, seq, 1, 1), 0);
                seq += 1;
                CHECK_EQ(bell(), before);
                canring_producer_flush_wake(p, 0);
                rr_wait_round(round);
                if (bell() == before + 1)
                        break;
                /* Its liveness look took it out of the wait before the flush: again. */
                CHECK_EQ(bell(), before);
                CHECK(++tries < 5);
                rr_go_round(++round);
        }
        CHECK_EQ(rr_got[round], 1);
        canring_producer_flush_wake(p, 0); /* nothing owed now */
        CHECK_EQ(bell(), before + 1);

        /* Round 2: deferred commits ring on their own once a 32nd of the ring (part slots)
         * came since the sleeper was last woken. Records go one at a time below the threshold:
         * a classic one takes a slot, an FD one (rt_kind) 2 and maybe a padding slot, so each is
         * counted as 3 at most. */
        rr_go_round(++round);
        rr_wait_for_doorbell_sleep(waiters);
        before = bell();
        unsigned slots_max = 0, records = 0;
        for (;;) {
                unsigned most = rt_kind(seq) == CANRING_KIND_FD ? 3 : 1;

                if (slots_max + most >= part)
                        break;
                CHECK_EQ(rt_publish_as(p, 0, seq, 1, 1), 0);
                seq++;
                records++;
                slots_max += most;
                CHECK_EQ(bell(), before); /* below the threshold: nothing rung */
        }
        /* part more records take at least part slots: this batch crosses the threshold. (The
         * sleeper may have left on a liveness look meanwhile: then nobody is owed a ring.) */
        CHECK_EQ(rt_publish_as(p, 0, seq, part, 1), 0);
        seq += part;
        records += part;
        rr_wait_round(round);
        CHECK(bell() == before + 1 || (bell() == before && rr_got[round] < (int)records));
        CHECK(rr_got[round] >= 1 && rr_got[round] <= (int)records);
        int read_so_far = rr_got[round];

        /* Round 3: a consumer that is awake (not in a wait) sees a deferred commit at once, and a
         * flush then owes nothing. */
        before = bell();
        CHECK_EQ(rt_publish_as(p, 0, seq, 2, 1), 0);
        seq += 2;
        records += 2;
        canring_producer_flush_wake(p, 0);
        CHECK_EQ(bell(), before);
        rr_go_round(++round);
        rr_wait_round(round);
        CHECK_EQ(read_so_far + rr_got[round], (int)records);

        rr_close(th, consumer, p);
        return 0;
}
