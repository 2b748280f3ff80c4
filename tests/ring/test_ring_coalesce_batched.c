/* SPDX-License-Identifier: MIT */
/*
 * A producer that batches its consumers' wake-ups itself (CANRING_PRODUCER_BATCHED_WAKE, as
 * canring run): a consumer with wake-up coalescing set, woken from its sleep by a single record,
 * returns at once instead of lingering, and the flag is in the segment header for every consumer
 * that attaches. The same wake-up without the flag lingers (test_ring_coalesce_wait).
 *
 * No clocks, as test_ring_coalesce_wait: the main thread watches where the consumer thread is
 * blocked through /proc/self/task/TID/syscall and commits only in the state the step is about.
 */
#include <errno.h>

#include "ring_rounds.h"

#define COALESCE_US 900000
#define ROUNDS      2

int main(void)
{
        struct canring_producer_config cfg = {.name = rt_name("batched"),
                                              .nrings = 1,
                                              .ring_size = 16384, /* 256 slots */
                                              .nchannels = 1,
                                              .max_consumers = 2,
                                              .flags = CANRING_PRODUCER_BATCHED_WAKE};
        struct canring_consumer *consumer;
        const uint32_t *waiters;
        pthread_t th;
        struct canring_producer *p = rr_open(&cfg, COALESCE_US, ROUNDS, &consumer, &waiters, &th);

        /* Each round: woken by one record (fewer than CANRING_COALESCE_BATCH_SLOTS, which
         * without the flag lingers), the wait returns without lingering. */
        for (int round = 1; round <= ROUNDS; round++) {
                rr_go_round(round);
                rr_wait_for_doorbell_sleep(waiters);
                CHECK_EQ(rt_publish(p, 0, round - 1, 1), 0);
                while (!rr_round_done(round))
                        if (rr_lingering())
                                FAIL("round %d: the wait lingered although the producer batches "
                                     "its wake-ups",
                                     round);
                rr_wait_round(round);
                CHECK_EQ(rr_got[round], 1);
        }

        rr_close(th, consumer, p);
        return 0;
}
