/* SPDX-License-Identifier: MIT */
/*
 * Frames that are waiting when the loop arms its channels reach the sink together: one sink call
 * carries many frames, and no call carries more than batch_max.
 */
#include "test_engine_harness.h"

#define NCH    8
#define PER_CH 10 /* net.unix.max_dgram_qlen's default: all of it queues without blocking */
#define BATCH  32

static struct harness_sink s;

static int sink(void *ctx, const struct engine_rx_frame *frames, unsigned n)
{
        (void)ctx;
        if (n > BATCH)
                FAIL("sink got %u frames, batch_max is %u", n, BATCH);
        harness_sink_take(&s, frames, n);
        return (int)n;
}

int main(void)
{
        struct harness_pair p[NCH];
        struct engine_rx *rx;
        struct engine_rx_config cfg = {
            .nchannels = NCH, .nbufs = 256, .batch_max = BATCH, .sink = sink};
        struct engine_rx_stats st;

        harness_watchdog(120);
        harness_require_features();
        harness_sink_init(&s, NCH);
        CHECK(engine_rx_create(&cfg, &rx) == 0);
        for (unsigned i = 0; i < NCH; i++) {
                p[i] = harness_pair_open();
                CHECK(engine_rx_set_socket(rx, i, p[i].rx) == 0);
                for (uint32_t seq = 0; seq < PER_CH; seq++)
                        harness_send(p[i].tx, i, seq);
        }
        CHECK(engine_rx_start(rx) == 0);
        harness_wait_total(&s, NCH * PER_CH);
        harness_stop_join(rx);
        engine_rx_get_stats(rx, &st);
        printf("%u frames in %lu sink calls, largest %u\n", NCH * PER_CH, (unsigned long)s.calls,
               s.max_n);
        CHECK(st.frames == NCH * PER_CH);
        /* All 80 were queued before the first submit, so the kernel completes them while arming:
         * whatever the split, some call has to carry several frames. */
        CHECK(s.max_n > 1);
        CHECK(s.calls < NCH * PER_CH);
        CHECK(st.max_batch == s.max_n);
        for (unsigned i = 0; i < NCH; i++) {
                CHECK(s.next[i] == PER_CH);
                close(p[i].tx);
        }
        engine_rx_destroy(rx);
        free(s.next);
        return 0;
}
