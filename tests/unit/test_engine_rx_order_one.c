/* SPDX-License-Identifier: MIT */
/* One stand-in channel: every frame (classic and FD) arrives intact, once, in order. */
#include "test_engine_harness.h"

int main(void)
{
        struct harness_sink s;
        struct engine_rx *rx;
        struct engine_rx_stats st;

        harness_watchdog(120);
        harness_require_features();
        harness_run_order(1, 20000, 0, &s, &rx);
        engine_rx_get_stats(rx, &st);
        CHECK(st.frames == 20000);
        CHECK(st.backpressure == 0 && st.stop_discarded == 0);
        printf("1 channel: %lu frames in %lu sink calls (largest %u)\n", (unsigned long)st.frames,
               (unsigned long)st.sink_calls, s.max_n);
        engine_rx_destroy(rx);
        free(s.next);
        return 0;
}
