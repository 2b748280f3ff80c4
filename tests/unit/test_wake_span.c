/* SPDX-License-Identifier: MIT */
/*
 * When the service pays a deferred reader wake-up (engine/src/wake_span.h): before a real sleep
 * of the engine always; before a brief one only once the frames owed span the budget in receive
 * time, or when their times run backwards; never held back when nothing is owed. While not due,
 * how much more receive time they may span (the engine may linger that long). Timestamps are
 * made up: the rule reads no clock.
 */
#include <stdio.h>
#include <stdlib.h>

#include "wake_span.h"

#define CHECK(c)                                                                                   \
        do {                                                                                       \
                if (!(c)) {                                                                        \
                        fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);               \
                        exit(1);                                                                   \
                }                                                                                  \
        } while (0)

#define MS     1000000ull
#define BUDGET (4 * MS)
#define T0     (1764590000ull * 1000 * MS) /* some realtime instant, ns */

int main(void)
{
        struct wake_span w = {0};

        /* Nothing owed: due either way (the flush then finds nothing to pay). */
        CHECK(wake_span_due(&w, true, BUDGET));
        CHECK(wake_span_due(&w, false, BUDGET));

        /* Batches spanning less than the budget: a brief sleep defers, a real one does not. */
        wake_span_add(&w, T0, T0 + 1 * MS);
        CHECK(!wake_span_due(&w, true, BUDGET));
        CHECK(wake_span_due(&w, false, BUDGET));
        CHECK(wake_span_left(&w, BUDGET) == 3 * MS);
        wake_span_add(&w, T0 + 2 * MS, T0 + 3 * MS);
        CHECK(w.since_ns == T0); /* measured from the first frame owed, not the batch */
        CHECK(!wake_span_due(&w, true, BUDGET));
        CHECK(wake_span_left(&w, BUDGET) == 1 * MS);

        /* The budget reached, exactly: due on a brief sleep too. */
        wake_span_add(&w, T0 + 3 * MS, T0 + 4 * MS);
        CHECK(wake_span_due(&w, true, BUDGET));
        CHECK(wake_span_left(&w, BUDGET) == 0);

        /* Paid: the next batch starts a new span. */
        wake_span_reset(&w);
        CHECK(wake_span_due(&w, true, BUDGET));
        wake_span_add(&w, T0 + 10 * MS, T0 + 11 * MS);
        CHECK(w.since_ns == T0 + 10 * MS);
        CHECK(!wake_span_due(&w, true, BUDGET));

        /* The realtime clock set back between batches: due at once, nothing left. */
        wake_span_add(&w, T0 - 60000 * MS, T0 - 60000 * MS);
        CHECK(wake_span_due(&w, true, BUDGET));
        CHECK(wake_span_left(&w, BUDGET) == 0);

        /* One batch alone may span the budget (an engine that fell behind). */
        wake_span_reset(&w);
        wake_span_add(&w, T0, T0 + 5 * MS);
        CHECK(wake_span_due(&w, true, BUDGET));
        CHECK(wake_span_left(&w, BUDGET) == 0);

        /* Nothing owed: nothing to say of the span (the sink answers for that case itself). */
        wake_span_reset(&w);
        CHECK(wake_span_left(&w, BUDGET) == 0);

        printf("wake span: all cases as expected\n");
        return 0;
}
