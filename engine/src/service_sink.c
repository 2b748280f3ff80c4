/* SPDX-License-Identifier: MIT */
/*
 * The hot path: frames from one engine thread's receive loop become records in that thread's ring.
 * One reservation and one commit (one release store) per batch; nothing allocates; the only
 * system call is the clock read when a frame came without a software timestamp. Commits defer
 * the readers' wake-up to the moment the engine goes to sleep (svc_sink_idle(), wake_span.h), so
 * a busy engine wakes them once per pause of the stream or per few milliseconds of it, not once
 * per batch.
 */
#include <errno.h>
#include <linux/can.h>
#include <net/if.h>
#include <string.h>
#include <time.h>

#include "service_priv.h"

/* Worst-case slots per frame: an FD record (2) + its alignment pad (1) + a socket-drop event (1).
 */
#define SLOTS_PER_FRAME_MAX 4u

static uint64_t now_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * The channel an `any` channel's frame belongs to: a channel of its own per interface, made on
 * first sight (the slow path: one if_indextoname per new interface), or the `any` channel itself
 * when the slots are used up.
 */
static unsigned any_channel(struct canring_service *svc, unsigned ch, int ifindex)
{
        struct svc_any_map *map = svc->channels[ch].any;
        unsigned slot;
        struct svc_channel *dyn;

        for (unsigned i = 0; i < map->n; i++)
                if (map->ifindex[i] == ifindex)
                        return map->channel[i];
        if (map->n == CANRING_SERVICE_ANY_SLOTS || ifindex <= 0)
                return ch;
        slot = __atomic_fetch_add(&svc->next_dynamic, 1, __ATOMIC_RELAXED);
        if (slot >= svc->nchannels)
                return ch;
        dyn = &svc->channels[slot];
        if (!if_indextoname((unsigned)ifindex, dyn->name))
                snprintf(dyn->name, sizeof(dyn->name), "if%d", ifindex);
        dyn->up = true;
        dyn->shard = svc->channels[ch].shard;
        /* Release: the control thread reads a dynamic channel only once it sees its ifindex. */
        __atomic_store_n(&dyn->ifindex, ifindex, __ATOMIC_RELEASE);
        svc_channel_publish_info(svc, slot);
        map->ifindex[map->n] = ifindex;
        map->channel[map->n] = (uint16_t)slot;
        map->n++;
        return slot;
}

static void fill_frame(struct canring_record *r, const struct engine_rx_frame *f, unsigned channel,
                       uint64_t sw_ts)
{
        r->sw_ts_ns = sw_ts;
        r->hw_ts_ns = f->hw_ts_ns;
        r->channel = (uint16_t)channel;
        r->flags = 0;
        if (f->flags & ENGINE_RX_F_OWN)
                r->flags |= CANRING_FLAG_TX;
        if (f->flags & ENGINE_RX_F_LOCAL)
                r->flags |= CANRING_FLAG_LOCAL;
        if (f->mtu == CANFD_MTU) {
                const struct canfd_frame *fd = f->frame;

                memcpy(&r->canfd, fd, sizeof(*fd));
                if (fd->flags & CANFD_BRS)
                        r->flags |= CANRING_FLAG_BRS;
                if (fd->flags & CANFD_ESI)
                        r->flags |= CANRING_FLAG_ESI;
        } else {
                memcpy(&r->can, f->frame, sizeof(struct can_frame));
        }
}

static unsigned frame_kind(const struct engine_rx_frame *f)
{
        const struct can_frame *cf = f->frame; /* can_id is at the same offset in both layouts */

        if (cf->can_id & CAN_ERR_FLAG)
                return CANRING_KIND_ERROR;
        return f->mtu == CANFD_MTU ? CANRING_KIND_FD : CANRING_KIND_CLASSIC;
}

/* Publishes frames[0..n) in one reservation. Returns n, -EAGAIN on back-pressure, or -errno. */
static int publish(struct svc_shard *sh, const struct engine_rx_frame *frames, unsigned n)
{
        struct canring_service *svc = sh->svc;
        struct canring_batch b;
        uint64_t clock = 0, first_ts = 0, last_ts = 0;
        int rc;

        rc = canring_producer_reserve(svc->producer, sh->index, n * SLOTS_PER_FRAME_MAX, &b);
        if (rc < 0)
                return rc;
        for (unsigned i = 0; i < n; i++) {
                const struct engine_rx_frame *f = &frames[i];
                unsigned ch = sh->global[f->channel];
                struct svc_channel *c = &svc->channels[ch];
                unsigned kind = f->frame ? frame_kind(f) : CANRING_KIND_EVENT;
                uint64_t ts = f->sw_ts_ns;
                struct canring_record *r;

                if (c->any && f->frame)
                        ch = any_channel(svc, ch, f->ifindex);
                if (!ts) {
                        if (!clock)
                                clock = now_ns();
                        ts = clock;
                }
                if (!first_ts)
                        first_ts = ts;
                last_ts = ts;
                if (f->rxq_ovfl_delta) {
                        /* The kernel dropped frames on this socket just before this one: say where.
                         */
                        r = canring_batch_add(&b, CANRING_KIND_EVENT);
                        r->sw_ts_ns = ts;
                        r->hw_ts_ns = 0;
                        r->channel = (uint16_t)ch;
                        r->flags = 0;
                        memset(&r->event, 0, sizeof(r->event));
                        r->event.type = CANRING_EVENT_SOCKET_DROP;
                        r->event.value[0] = f->rxq_ovfl_delta;
                        c->socket_drops += f->rxq_ovfl_delta; /* only this thread writes it */
                        r->event.value[1] = c->socket_drops;
                }
                if (!f->frame)
                        continue; /* a drop notice: the event above is all there is */
                r = canring_batch_add(&b, kind);
                fill_frame(r, f, ch, ts);
                c = &svc->channels[ch];
                __atomic_store_n(&c->frames, c->frames + 1, __ATOMIC_RELAXED);
                __atomic_store_n(&c->bytes, c->bytes + r->can.len, __ATOMIC_RELAXED);
                if (kind == CANRING_KIND_ERROR)
                        __atomic_store_n(&c->error_frames, c->error_frames + 1, __ATOMIC_RELAXED);
        }
        /* --coalesce-us 0 asks for the least latency: every batch wakes the readers at once. */
        if (!svc->cfg.coalesce_us) {
                rc = canring_producer_commit(svc->producer, &b);
                return rc < 0 ? -EIO : (int)n;
        }
        rc = canring_producer_commit_deferred(svc->producer, &b);
        if (rc < 0)
                return -EIO;
        wake_span_add(&sh->owed, first_ts, last_ts);
        return (int)n;
}

uint64_t svc_sink_idle(void *ctx, bool brief)
{
        struct svc_shard *sh = ctx;
        uint64_t period = (uint64_t)sh->svc->cfg.coalesce_us * 1000u;
        uint64_t budget = period * WAKE_SPAN_COALESCE_PERIODS;

        /* Due a period early: one more linger would take the frames owed past the budget. Until
         * then the engine may gather frames in the sockets, up to the whole budget, so that the
         * frames of one long linger (which span it less the gap before the first) are due as
         * they come: one engine iteration and one reader wake-up per budget of a slow stream. */
        if (!wake_span_due(&sh->owed, brief, budget - period))
                return wake_span_left(&sh->owed, budget);
        canring_producer_flush_wake(sh->svc->producer, sh->index);
        wake_span_reset(&sh->owed);
        /* Nothing is owed now: the readers are not due again before new frames span a budget. */
        return brief ? budget : 0;
}

int svc_sink(void *ctx, const struct engine_rx_frame *frames, unsigned n)
{
        struct svc_shard *sh = ctx;
        /* A reservation may take at most half a ring: publish big batches in chunks. */
        unsigned chunk = sh->svc->cfg.ring_size / CANRING_SLOT_SIZE / 2 / SLOTS_PER_FRAME_MAX;
        unsigned done = 0;

        while (done < n) {
                unsigned k = n - done < chunk ? n - done : chunk;
                int rc = publish(sh, frames + done, k);

                if (rc == -EAGAIN)
                        return (int)done; /* back-pressure: the loop keeps the rest and pauses */
                if (rc < 0)
                        return rc;
                done += k;
        }
        return (int)done;
}
