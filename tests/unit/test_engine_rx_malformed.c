/* SPDX-License-Identifier: MIT */
/*
 * Datagrams that are not exactly CAN_MTU or CANFD_MTU bytes (empty, short, between the two,
 * oversize beyond the buffer) are counted as malformed and never reach the sink; the good frames
 * around them still arrive in order.
 */
#include "test_engine_harness.h"

static const size_t bad_sizes[] = {0, 1, 15, 17, 40, 71, 73, 300, 4000};
#define NBAD   (sizeof(bad_sizes) / sizeof(bad_sizes[0]))
#define ROUNDS 50

int main(void)
{
        struct harness_sink s;
        struct engine_rx *rx;
        struct engine_rx_chan_stats cs;
        static unsigned char junk[4000];

        harness_watchdog(120);
        harness_require_features();
        harness_sink_init(&s, 1);
        rx = harness_loop(1, 16, harness_sink_all, &s);
        struct harness_pair p = harness_pair_open();
        CHECK(engine_rx_set_socket(rx, 0, p.rx) == 0);
        CHECK(engine_rx_start(rx) == 0);
        memset(junk, 0xa5, sizeof(junk));
        uint32_t seq = 0;
        for (unsigned r = 0; r < ROUNDS; r++) {
                for (unsigned b = 0; b < NBAD; b++) {
                        harness_send(p.tx, 0, seq++);
                        CHECK(send(p.tx, junk, bad_sizes[b], 0) == (ssize_t)bad_sizes[b]);
                }
        }
        harness_send(p.tx, 0, seq++);
        harness_wait_total(&s, seq);
        harness_stop_join(rx);
        CHECK(engine_rx_get_chan_stats(rx, 0, &cs) == 0);
        printf("%u good frames, %lu malformed counted\n", seq, (unsigned long)cs.malformed);
        CHECK(s.next[0] == seq);
        CHECK(cs.frames == seq);
        CHECK(cs.malformed == ROUNDS * NBAD);
        close(p.tx);
        engine_rx_destroy(rx);
        free(s.next);
        return 0;
}
