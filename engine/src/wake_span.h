/* SPDX-License-Identifier: MIT */
/*
 * When the service pays a deferred reader wake-up (svc_sink_idle()). The sink commits with
 * canring_producer_commit_deferred(), which leaves sleeping readers asleep; the engine tells the
 * sink each time it is about to sleep. Before a real sleep (the stream paused) the readers are
 * woken at once. Before a brief one (the coalescing linger, frames still flowing) they are woken
 * only once the frames owed to them span the budget in receive time (the service asks a period
 * early: at the last brief sleep before they would span more): while the stream flows, a reader
 * wakes once per budget of traffic instead of once per engine batch, and no frame waits much more
 * than the budget for its reader. (The producer also wakes them once a 32nd of the ring is owed.)
 * Receive times are the frames' own kernel timestamps, so the rule reads no clock. Until they are
 * due, the engine may gather frames in the sockets instead of the ring (wake_span_left()).
 */
#ifndef CANRING_WAKE_SPAN_H
#define CANRING_WAKE_SPAN_H

#include <stdbool.h>
#include <stdint.h>

/* The budget is this many engine coalescing periods (canring run --coalesce-us). */
#define WAKE_SPAN_COALESCE_PERIODS 4u

struct wake_span {
        uint64_t since_ns;  /* receive time of the first frame owed; 0: nothing owed */
        uint64_t newest_ns; /* receive time of the newest frame owed */
};

/* A batch whose first and last frames were received at first_ns and last_ns was committed. */
static inline void wake_span_add(struct wake_span *w, uint64_t first_ns, uint64_t last_ns)
{
        if (!w->since_ns)
                w->since_ns = first_ns;
        w->newest_ns = last_ns;
}

/*
 * Whether the readers should be woken now, before a sleep of the engine that is brief or not. A
 * span that runs backwards (the realtime clock was set back) counts as due: better a wake-up too
 * early than a reader left waiting for the next pause.
 */
static inline bool wake_span_due(const struct wake_span *w, bool brief, uint64_t budget_ns)
{
        if (!brief || !w->since_ns)
                return true;
        return w->newest_ns < w->since_ns || w->newest_ns - w->since_ns >= budget_ns;
}

/*
 * While not due: how much more receive time the frames owed may span before the readers are due
 * (the engine may gather that long before it looks again; frames meanwhile wait in the sockets,
 * which the readers, asleep until then, do not notice).
 */
static inline uint64_t wake_span_left(const struct wake_span *w, uint64_t budget_ns)
{
        uint64_t span = w->newest_ns - w->since_ns;

        return w->since_ns && w->newest_ns >= w->since_ns && span < budget_ns ? budget_ns - span
                                                                              : 0;
}

/* The readers were woken: nothing is owed. */
static inline void wake_span_reset(struct wake_span *w)
{
        w->since_ns = 0;
}

#endif
