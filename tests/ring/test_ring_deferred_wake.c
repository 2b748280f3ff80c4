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
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "ring_test.h"

#define RING_BYTES 65536 /* 1024 slots: the threshold is 32 */
#define ROUNDS     8     /* 3, and up to 5 repeats of the first */

static struct canring_consumer *consumer;
static int consumer_tid;
static int go_round;             /* the main thread lets the consumer start this wait */
static int rounds_done;          /* waits that returned, their records all read */
static int got[ROUNDS + 1];      /* records the wait of each round collected */
static const uint32_t *doorbell; /* in a read-only mapping of the segment */
static int stop;                 /* no more rounds */

static void *consumer_main(void *arg)
{
        const struct canring_record *recs[64];

        (void)arg;
        __atomic_store_n(&consumer_tid, (int)syscall(SYS_gettid), __ATOMIC_RELEASE);
        for (int round = 1; round <= ROUNDS; round++) {
                int n, total = 0;

                while (__atomic_load_n(&go_round, __ATOMIC_ACQUIRE) < round)
                        if (__atomic_load_n(&stop, __ATOMIC_ACQUIRE))
                                return NULL;
                        else
                                sched_yield();
                if (canring_consumer_wait(consumer, -1) != 0)
                        FAIL("round %d: the wait did not return a record", round);
                while ((n = canring_consumer_read(consumer, recs, 64)) > 0) {
                        total += n;
                        CHECK_EQ(canring_consumer_release(consumer), 0);
                }
                got[round] = total;
                __atomic_store_n(&rounds_done, round, __ATOMIC_RELEASE);
        }
        return NULL;
}

/* The system call the consumer thread is blocked in; -1 if it runs, -2 if this cannot tell. */
static long blocked_in(void)
{
        char path[64], buf[128];
        FILE *f;
        long nr = -1;

        snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", consumer_tid);
        f = fopen(path, "r");
        if (!f)
                return -2;
        if (!fgets(buf, sizeof(buf), f) || sscanf(buf, "%ld", &nr) != 1)
                nr = -1; /* "running" */
        fclose(f);
        return nr;
}

static uint32_t bell(void)
{
        return __atomic_load_n(doorbell, __ATOMIC_ACQUIRE);
}

/* Until the consumer sleeps on the doorbell: counted as a waiter and inside futex(). */
static void wait_for_doorbell_sleep(const uint32_t *waiters)
{
        while (!(__atomic_load_n(waiters, __ATOMIC_SEQ_CST) == 1 && blocked_in() == SYS_futex))
                usleep(100);
}

static void wait_round(int round)
{
        while (__atomic_load_n(&rounds_done, __ATOMIC_ACQUIRE) < round)
                usleep(100);
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
        struct canring_producer *p;
        const uint32_t *waiters;
        pthread_t th;
        uint64_t seq = 0;
        uint32_t before;
        int round = 1, tries = 0;

        CHECK_EQ(canring_producer_create(&cfg, &p), 0);
        CHECK_EQ(canring_consumer_attach(cfg.name, NULL, &consumer), 0);
        CHECK_EQ(canring_consumer_set_coalesce(consumer, 0), 0);
        waiters = ((const struct canring_producer_hot *)(const void *)p)->waiters;
        map_doorbell(cfg.name);
        CHECK_EQ(pthread_create(&th, NULL, consumer_main, NULL), 0);
        while (!__atomic_load_n(&consumer_tid, __ATOMIC_ACQUIRE))
                sched_yield();
        if (blocked_in() == -2) {
                fprintf(stderr, "skip: /proc/self/task/TID/syscall is not readable here\n");
                return 77;
        }
        canring_producer_flush_wake(p, 1); /* no such ring: ignored */

        /* Round 1: a deferred record rings nothing; the flush rings once and wakes the sleeper. */
        __atomic_store_n(&go_round, round, __ATOMIC_RELEASE);
        for (;;) {
                wait_for_doorbell_sleep(waiters);
                before = bell();
                CHECK_EQ(rt_publish_as(p, 0, seq, 1, 1), 0);
                seq += 1;
                CHECK_EQ(bell(), before);
                canring_producer_flush_wake(p, 0);
                wait_round(round);
                if (bell() == before + 1)
                        break;
                /* Its liveness look took it out of the wait before the flush: again. */
                CHECK_EQ(bell(), before);
                CHECK(++tries < 5);
                __atomic_store_n(&go_round, ++round, __ATOMIC_RELEASE);
        }
        CHECK_EQ(got[round], 1);
        canring_producer_flush_wake(p, 0); /* nothing owed now */
        CHECK_EQ(bell(), before + 1);

        /* Round 2: deferred commits ring on their own once a 32nd of the ring (part slots)
         * came since the sleeper was last woken. Records go one at a time below the threshold:
         * a classic one takes a slot, an FD one (rt_kind) 2 and maybe a padding slot, so each is
         * counted as 3 at most. */
        __atomic_store_n(&go_round, ++round, __ATOMIC_RELEASE);
        wait_for_doorbell_sleep(waiters);
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
        wait_round(round);
        CHECK(bell() == before + 1 || (bell() == before && got[round] < (int)records));
        CHECK(got[round] >= 1 && got[round] <= (int)records);
        int read_so_far = got[round];

        /* Round 3: a consumer that is awake (not in a wait) sees a deferred commit at once, and a
         * flush then owes nothing. */
        before = bell();
        CHECK_EQ(rt_publish_as(p, 0, seq, 2, 1), 0);
        seq += 2;
        records += 2;
        canring_producer_flush_wake(p, 0);
        CHECK_EQ(bell(), before);
        __atomic_store_n(&go_round, ++round, __ATOMIC_RELEASE);
        wait_round(round);
        CHECK_EQ(read_so_far + got[round], (int)records);

        __atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
        CHECK_EQ(pthread_join(th, NULL), 0);
        canring_consumer_detach(consumer);
        canring_producer_destroy(p);
        return 0;
}
