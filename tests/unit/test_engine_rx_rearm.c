/* SPDX-License-Identifier: MIT */
/*
 * A buffer ring of 2 buffers for 4 busy channels runs dry over and over: each channel's multishot
 * recvmsg ends with ENOBUFS, the loop re-arms it after handing buffers back, and no frame is lost
 * (the kernel leaves the datagram in the socket when it has no buffer for it).
 */
#include "test_engine_harness.h"

#define NCH    4
#define PER_CH 3000

int main(void)
{
        struct harness_pair p[NCH];
        struct harness_sink s;
        struct engine_rx *rx;
        uint64_t enobufs = 0, rearms = 0;

        harness_watchdog(120);
        harness_require_features();
        harness_sink_init(&s, NCH);
        rx = harness_loop(NCH, 2, harness_sink_all, &s);
        for (unsigned i = 0; i < NCH; i++) {
                p[i] = harness_pair_open();
                CHECK(engine_rx_set_socket(rx, i, p[i].rx) == 0);
                /* Queued before the first arm: 40 frames meet 2 buffers, so ENOBUFS is certain. */
                for (uint32_t seq = 0; seq < 10; seq++)
                        harness_send(p[i].tx, i, seq);
        }
        CHECK(engine_rx_start(rx) == 0);
        for (uint32_t seq = 10; seq < PER_CH; seq++)
                for (unsigned i = 0; i < NCH; i++)
                        harness_send(p[i].tx, i, seq);
        harness_wait_total(&s, NCH * PER_CH);
        harness_stop_join(rx);
        for (unsigned i = 0; i < NCH; i++) {
                struct engine_rx_chan_stats cs;
                CHECK(engine_rx_get_chan_stats(rx, i, &cs) == 0);
                CHECK(s.next[i] == PER_CH);
                CHECK(cs.frames == PER_CH);
                CHECK(cs.errors == 0);
                /* every ENOBUFS termination was followed by a re-arm (the last one may be the
                 * stop's cancel instead) */
                CHECK(cs.rearms + 1 >= cs.enobufs);
                CHECK(cs.arms == cs.rearms + 1);
                enobufs += cs.enobufs;
                rearms += cs.rearms;
                close(p[i].tx);
        }
        printf("%u frames, %lu ENOBUFS terminations, %lu re-arms\n", NCH * PER_CH,
               (unsigned long)enobufs, (unsigned long)rearms);
        CHECK(enobufs > 0);
        CHECK(rearms > 0);
        engine_rx_destroy(rx);
        free(s.next);
        return 0;
}
