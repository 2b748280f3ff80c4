/* SPDX-License-Identifier: MIT */
/*
 * Wake-up coalescing (canring_consumer_set_coalesce()): a consumer woken from its sleep to find
 * a record or two lingers, so that the wake-up collects what comes meanwhile; one woken to find a
 * batch the producer made already (CANRING_COALESCE_BATCH_SLOTS or more) returns at once.
 *
 * No clocks: the main thread watches where the consumer thread is blocked through
 * /proc/self/task/TID/syscall (the system call number it sleeps in) and the segment's waiter
 * count, and commits only once it has seen the state the step is about. The linger is long
 * (0.9 s) so that the main thread cannot miss it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>

#include "ring_test.h"

#define COALESCE_US 900000
#define ROUNDS      2

static struct canring_consumer *consumer;
static int consumer_tid;
static int go_round;        /* the main thread lets the consumer start this wait */
static int rounds_done;     /* waits that returned, their records all read */
static int got[ROUNDS + 1]; /* records the wait of each round collected */

static void *consumer_main(void *arg)
{
        const struct canring_record *recs[16];

        (void)arg;
        __atomic_store_n(&consumer_tid, (int)syscall(SYS_gettid), __ATOMIC_RELEASE);
        for (int round = 1; round <= ROUNDS; round++) {
                int n, total = 0;

                while (__atomic_load_n(&go_round, __ATOMIC_ACQUIRE) < round)
                        sched_yield();
                if (canring_consumer_wait(consumer, -1) != 0)
                        FAIL("round %d: the wait did not return a record", round);
                while ((n = canring_consumer_read(consumer, recs, 16)) > 0) {
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

static int lingering(void)
{
        long nr = blocked_in();

        return nr == SYS_clock_nanosleep || nr == SYS_nanosleep;
}

/* Until the consumer sleeps on the doorbell: counted as a waiter and inside futex(). */
static void wait_for_doorbell_sleep(const uint32_t *waiters)
{
        while (!(__atomic_load_n(waiters, __ATOMIC_SEQ_CST) == 1 && blocked_in() == SYS_futex))
                usleep(100);
}

static int round_done(int round)
{
        return __atomic_load_n(&rounds_done, __ATOMIC_ACQUIRE) >= round;
}

int main(void)
{
        struct canring_producer_config cfg = {.name = rt_name("coalesce"),
                                              .nrings = 1,
                                              .ring_size = 16384, /* 256 slots */
                                              .nchannels = 1,
                                              .max_consumers = 2};
        struct canring_producer *p;
        const uint32_t *waiters;
        pthread_t th;

        CHECK_EQ(canring_producer_create(&cfg, &p), 0);
        CHECK_EQ(canring_consumer_attach(cfg.name, NULL, &consumer), 0);
        CHECK_EQ(canring_consumer_set_coalesce(consumer, COALESCE_US), 0);
        waiters = ((const struct canring_producer_hot *)(const void *)p)->waiters;
        CHECK_EQ(pthread_create(&th, NULL, consumer_main, NULL), 0);
        while (!__atomic_load_n(&consumer_tid, __ATOMIC_ACQUIRE))
                sched_yield();
        if (blocked_in() == -2) {
                fprintf(stderr, "skip: /proc/self/task/TID/syscall is not readable here\n");
                return 77;
        }

        /* Round 1: woken by a batch as big as CANRING_COALESCE_BATCH_SLOTS records (classic
         * ones take a slot each, FD ones more): the wait returns without lingering. */
        __atomic_store_n(&go_round, 1, __ATOMIC_RELEASE);
        wait_for_doorbell_sleep(waiters);
        CHECK_EQ(rt_publish(p, 0, 0, CANRING_COALESCE_BATCH_SLOTS), 0);
        while (!round_done(1))
                if (lingering())
                        FAIL("round 1: the wait lingered although it was woken by a full batch");
        CHECK_EQ(got[1], CANRING_COALESCE_BATCH_SLOTS);

        /* Round 2: woken by one record, the wait lingers, and what comes meanwhile is in the
         * same wake-up. */
        __atomic_store_n(&go_round, 2, __ATOMIC_RELEASE);
        wait_for_doorbell_sleep(waiters);
        CHECK_EQ(rt_publish(p, 0, CANRING_COALESCE_BATCH_SLOTS, 1), 0);
        while (!lingering())
                if (round_done(2))
                        FAIL("round 2: woken by one record, the wait returned without lingering");
        CHECK_EQ(rt_publish(p, 0, CANRING_COALESCE_BATCH_SLOTS + 1, 9), 0);
        while (!round_done(2))
                usleep(100);
        CHECK_EQ(got[2], 10);

        CHECK_EQ(pthread_join(th, NULL), 0);
        canring_consumer_detach(consumer);
        canring_producer_destroy(p);
        return 0;
}
