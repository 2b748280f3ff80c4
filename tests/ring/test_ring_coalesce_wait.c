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
#include <errno.h>

#include "ring_rounds.h"

#define COALESCE_US 900000
#define ROUNDS      2

int main(void)
{
        struct canring_producer_config cfg = {.name = rt_name("coalesce"),
                                              .nrings = 1,
                                              .ring_size = 16384, /* 256 slots */
                                              .nchannels = 1,
                                              .max_consumers = 2};
        struct canring_consumer *consumer;
        const uint32_t *waiters;
        pthread_t th;
        struct canring_producer *p = rr_open(&cfg, COALESCE_US, ROUNDS, &consumer, &waiters, &th);

        /* Round 1: woken by a batch as big as CANRING_COALESCE_BATCH_SLOTS records (classic
         * ones take a slot each, FD ones more): the wait returns without lingering. */
        rr_go_round(1);
        rr_wait_for_doorbell_sleep(waiters);
        CHECK_EQ(rt_publish(p, 0, 0, CANRING_COALESCE_BATCH_SLOTS), 0);
        while (!rr_round_done(1))
                if (rr_lingering())
                        FAIL("round 1: the wait lingered although it was woken by a full batch");
        CHECK_EQ(rr_got[1], CANRING_COALESCE_BATCH_SLOTS);

        /* Round 2: woken by one record, the wait lingers, and what comes meanwhile is in the
         * same wake-up. */
        rr_go_round(2);
        rr_wait_for_doorbell_sleep(waiters);
        CHECK_EQ(rt_publish(p, 0, CANRING_COALESCE_BATCH_SLOTS, 1), 0);
        while (!rr_lingering())
                if (rr_round_done(2))
                        FAIL("round 2: woken by one record, the wait returned without lingering");
        CHECK_EQ(rt_publish(p, 0, CANRING_COALESCE_BATCH_SLOTS + 1, 9), 0);
        rr_wait_round(2);
        CHECK_EQ(rr_got[2], 10);

        rr_close(th, consumer, p);
        return 0;
}
