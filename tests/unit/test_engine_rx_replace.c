/* SPDX-License-Identifier: MIT */
/*
 * A running loop swaps a channel's socket (interface down and re-created): the old fd is closed by
 * the loop, the new one is armed under the same channel index, its frames arrive; removing the
 * socket leaves the channel empty while the others keep running.
 */
#include "test_engine_harness.h"

static struct harness_sink s;

/* The loop closes the old receiving end: sends to it then fail with ECONNREFUSED. The probe is one
 * byte, not a frame: one that the old socket still receives before the loop has applied the change
 * (it may be sleeping to coalesce completions) is counted as malformed, not handed to the sink. */
static void wait_peer_closed(int tx)
{
        const char probe = 0;
        struct timespec d = {.tv_nsec = 1000000};
        for (;;) {
                if (send(tx, &probe, sizeof(probe), MSG_DONTWAIT) < 0 && errno == ECONNREFUSED)
                        return;
                nanosleep(&d, NULL);
        }
}

int main(void)
{
        struct engine_rx *rx;
        struct engine_rx_chan_stats cs;

        harness_watchdog(120);
        harness_require_features();
        harness_sink_init(&s, 2);
        rx = harness_loop(2, 64, harness_sink_all, &s);
        struct harness_pair a = harness_pair_open(), b = harness_pair_open(),
                            other = harness_pair_open();
        CHECK(engine_rx_set_socket(rx, 0, a.rx) == 0);
        CHECK(engine_rx_set_socket(rx, 1, other.rx) == 0);
        CHECK(engine_rx_start(rx) == 0);

        uint32_t seq = 0;
        for (; seq < 100; seq++)
                harness_send(a.tx, 0, seq);
        harness_wait_total(&s, 100);

        CHECK(engine_rx_set_socket(rx, 0, b.rx) == 0);
        wait_peer_closed(a.tx);
        for (; seq < 200; seq++)
                harness_send(b.tx, 0, seq);
        for (uint32_t o = 0; o < 50; o++)
                harness_send(other.tx, 1, o);
        harness_wait_total(&s, 250);
        CHECK(s.next[0] == 200 && s.next[1] == 50);
        CHECK(engine_rx_get_chan_stats(rx, 0, &cs) == 0);
        CHECK(cs.sockets == 2);
        CHECK(cs.frames == 200);
        CHECK(cs.state == ENGINE_RX_CHAN_ARMED);

        /* Remove channel 0's socket: closed by the loop, channel empty, channel 1 unaffected. */
        CHECK(engine_rx_set_socket(rx, 0, -1) == 0);
        wait_peer_closed(b.tx);
        for (uint32_t o = 50; o < 100; o++)
                harness_send(other.tx, 1, o);
        harness_wait_total(&s, 300);
        CHECK(engine_rx_get_chan_stats(rx, 0, &cs) == 0);
        CHECK(cs.state == ENGINE_RX_CHAN_EMPTY);
        CHECK(cs.errors == 0);
        harness_stop_join(rx);
        CHECK(s.next[1] == 100);
        close(a.tx);
        close(b.tx);
        close(other.tx);
        engine_rx_destroy(rx);
        free(s.next);
        return 0;
}
