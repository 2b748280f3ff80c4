/* SPDX-License-Identifier: MIT */
/*
 * Shared by the ring tests that watch a sleeping consumer (test_ring_coalesce_wait,
 * test_ring_coalesce_batched, test_ring_deferred_wake): a consumer thread that makes one
 * canring_consumer_wait() per round when the main thread lets it and reads everything it finds, and
 * the means to see where it is blocked (/proc/self/task/TID/syscall) instead of reading clocks.
 */
#ifndef CANRING_TESTS_RING_ROUNDS_H
#define CANRING_TESTS_RING_ROUNDS_H

#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>

#include "ring_test.h"

#define RR_MAX_ROUNDS 16

static struct canring_consumer *rr_consumer;
static int rr_rounds;                 /* rounds the consumer thread makes at most */
static int rr_tid;                    /* the consumer thread's tid (atomic) */
static int rr_go;                     /* the main thread lets the consumer start this round */
static int rr_done;                   /* waits that returned, their records all read */
static int rr_stop;                   /* no more rounds */
static int rr_got[RR_MAX_ROUNDS + 1]; /* records the wait of each round collected */

static void *rr_consumer_main(void *arg)
{
        const struct canring_record *recs[64];

        (void)arg;
        __atomic_store_n(&rr_tid, (int)syscall(SYS_gettid), __ATOMIC_RELEASE);
        for (int round = 1; round <= rr_rounds; round++) {
                int n, total = 0;

                while (__atomic_load_n(&rr_go, __ATOMIC_ACQUIRE) < round)
                        if (__atomic_load_n(&rr_stop, __ATOMIC_ACQUIRE))
                                return NULL;
                        else
                                sched_yield();
                if (canring_consumer_wait(rr_consumer, -1) != 0)
                        FAIL("round %d: the wait did not return a record", round);
                while ((n = canring_consumer_read(rr_consumer, recs, 64)) > 0) {
                        total += n;
                        CHECK_EQ(canring_consumer_release(rr_consumer), 0);
                }
                rr_got[round] = total;
                __atomic_store_n(&rr_done, round, __ATOMIC_RELEASE);
        }
        return NULL;
}

/* The system call the consumer thread is blocked in; -1 if it runs, -2 if this cannot tell. */
static long rr_blocked_in(void)
{
        char path[64], buf[128];
        FILE *f;
        long nr = -1;

        snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", rr_tid);
        f = fopen(path, "r");
        if (!f)
                return -2;
        if (!fgets(buf, sizeof(buf), f) || sscanf(buf, "%ld", &nr) != 1)
                nr = -1; /* "running" */
        fclose(f);
        return nr;
}

/* The consumer thread lingers after a wake-up (canring_consumer_set_coalesce()): it sleeps in
 * nanosleep. Inline: not every test that includes this asks. */
static inline int rr_lingering(void)
{
        long nr = rr_blocked_in();

        return nr == SYS_clock_nanosleep || nr == SYS_nanosleep;
}

/* Starts the consumer thread on c for at most `rounds` rounds; exits 77 where /proc cannot tell
 * where a thread is blocked. */
static void rr_start(struct canring_consumer *c, int rounds, pthread_t *th)
{
        CHECK(rounds <= RR_MAX_ROUNDS);
        rr_consumer = c;
        rr_rounds = rounds;
        CHECK_EQ(pthread_create(th, NULL, rr_consumer_main, NULL), 0);
        while (!__atomic_load_n(&rr_tid, __ATOMIC_ACQUIRE))
                sched_yield();
        if (rr_blocked_in() == -2) {
                fprintf(stderr, "skip: /proc/self/task/TID/syscall is not readable here\n");
                exit(77);
        }
}

/*
 * Makes the producer of CFG, attaches a consumer with wake-up coalescing COALESCE_US, sets
 * *WAITERS to the ring's waiter count and starts the consumer thread for ROUNDS rounds (rr_start).
 * Returns the producer; rr_close() ends it all.
 */
static struct canring_producer *rr_open(const struct canring_producer_config *cfg,
                                        unsigned coalesce_us, int rounds,
                                        struct canring_consumer **c, const uint32_t **waiters,
                                        pthread_t *th)
{
        struct canring_producer *p;

        CHECK_EQ(canring_producer_create(cfg, &p), 0);
        CHECK_EQ(canring_consumer_attach(cfg->name, NULL, c), 0);
        CHECK_EQ(canring_consumer_set_coalesce(*c, coalesce_us), 0);
        *waiters = ((const struct canring_producer_hot *)(const void *)p)->waiters;
        rr_start(*c, rounds, th);
        return p;
}

/* Lets the consumer start its wait of this round. */
static void rr_go_round(int round)
{
        __atomic_store_n(&rr_go, round, __ATOMIC_RELEASE);
}

/* Until the consumer sleeps on the doorbell: counted as a waiter and inside futex(). */
static void rr_wait_for_doorbell_sleep(const uint32_t *waiters)
{
        while (!(__atomic_load_n(waiters, __ATOMIC_SEQ_CST) == 1 && rr_blocked_in() == SYS_futex))
                usleep(100);
}

static int rr_round_done(int round)
{
        return __atomic_load_n(&rr_done, __ATOMIC_ACQUIRE) >= round;
}

static void rr_wait_round(int round)
{
        while (!rr_round_done(round))
                usleep(100);
}

/* Ends the consumer thread (after its last round, or waiting for one that will not come). */
static void rr_finish(pthread_t th)
{
        __atomic_store_n(&rr_stop, 1, __ATOMIC_RELEASE);
        CHECK_EQ(pthread_join(th, NULL), 0);
}

/* Ends what rr_open() made: the consumer thread, the consumer, the producer. */
static void rr_close(pthread_t th, struct canring_consumer *c, struct canring_producer *p)
{
        rr_finish(th);
        canring_consumer_detach(c);
        canring_producer_destroy(p);
}

#endif
