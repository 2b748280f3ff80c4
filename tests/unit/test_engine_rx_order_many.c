/* SPDX-License-Identifier: MIT */
/* 64 stand-in channels on one loop: every frame arrives intact, once, in order per channel, and
 * with the right channel index (the socket's position). */
#include "test_engine_harness.h"

int main(void)
{
        struct harness_sink s;
        struct engine_rx *rx;
        struct engine_rx_stats st;

        harness_watchdog(120);
        harness_require_features();
        harness_run_order(64, 500, 256, &s, &rx);
        engine_rx_get_stats(rx, &st);
        CHECK(st.frames == 64 * 500);
        printf("64 channels: %lu frames in %lu sink calls (largest %u)\n", (unsigned long)st.frames,
               (unsigned long)st.sink_calls, s.max_n);
        engine_rx_destroy(rx);
        free(s.next);
        return 0;
}
