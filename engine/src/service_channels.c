/* SPDX-License-Identifier: MIT */
/*
 * Channel life on the control thread: opening sockets, following interfaces that go down, come
 * up, disappear and come back (possibly with a new ifindex), bus states, and the counters the
 * segment shows to `canring stat`. A channel outlives its interface: the service never exits
 * because an interface went away.
 */
#include <errno.h>
#include <linux/can/netlink.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "canring/ifctl.h"
#include "service_priv.h"

static uint64_t now_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void svc_event(struct canring_service *svc, unsigned ch, uint32_t type, uint64_t v0, uint64_t v1,
               uint64_t v2)
{
        struct canring_event ev = {.type = type, .value = {v0, v1, v2}};

        /* The event ring has no tethered reader that could refuse it for long; an event that meets
         * back-pressure is still counted in the channel's state, which stat shows. */
        canring_producer_event(svc->producer, svc->event_ring, ch, &ev, now_ns());
}

void svc_channel_publish_info(struct canring_service *svc, unsigned ch)
{
        struct svc_channel *c = &svc->channels[ch];
        struct canring_channel_info info;

        memset(&info, 0, sizeof(info));
        snprintf(info.name, sizeof(info.name), "%s", c->name);
        info.ifindex = (uint32_t)(c->ifindex > 0 ? c->ifindex : 0);
        if (svc->cfg.fd || c->info.mtu == CANFD_MTU)
                info.flags |= svc->cfg.fd ? CANRING_CHAN_FD : 0;
        if (c->up)
                info.flags |= CANRING_CHAN_UP;
        if (c->info.hw_timestamps)
                info.flags |= CANRING_CHAN_HW_TSTAMP;
        info.bitrate = c->bitrate;
        canring_producer_set_channel(svc->producer, ch, &info);
}

/* Reads what a real controller has: bitrate and bus state. vcan/vxcan have neither (and asking
 * libsocketcan about them makes it print to stderr, so canring_if_get asks only controllers). */
static void read_controller(struct svc_channel *c)
{
        struct canring_ifinfo info;
        char err[128];

        c->bitrate = 0;
        c->bus_state_known = false;
        if (c->spec && c->spec->any)
                return;
        if (canring_if_get(c->name, &info, err, sizeof(err)) < 0 || !info.has_bittiming)
                return;
        c->bitrate = info.bitrate;
        if (info.state >= 0) {
                c->bus_state_known = true;
                c->bus_state = (uint32_t)info.state;
        }
}

int svc_channel_open(struct canring_service *svc, unsigned ch, char *err, size_t errlen)
{
        struct svc_channel *c = &svc->channels[ch];
        const struct canring_channel_spec *spec = c->spec;
        struct engine_channel_config cc = {
            .name = spec->ifname,
            .ifname = spec->ifname,
            .filters = spec->filters,
            .nfilters = spec->nfilters,
            .set_filters = spec->nfilters > 0,
            .join_filters = spec->join,
            .err_mask = spec->err_mask,
            .fd = svc->cfg.fd,
            .recv_own_msgs = svc->cfg.own,
            .hw_timestamps = svc->cfg.hw_timestamps,
            .rcvbuf = (int)svc->cfg.rcvbuf,
        };
        struct engine_channel_info info;
        int fd, rc;

        memset(&info, 0, sizeof(info));
        fd = svc->open(svc->open_ctx, &cc, &info, err, errlen);
        if (fd < 0)
                return fd;
        rc = engine_rx_set_socket(svc->shards[c->shard].rx, c->local, fd);
        if (rc < 0) {
                snprintf(err, errlen, "channel '%s': the engine refused its socket (%s)", c->name,
                         strerror(-rc));
                return rc;
        }
        c->info = info;
        c->ifindex = info.ifindex;
        c->fd = fd; /* the engine owns it; the control thread only sends and sets options on it */
        read_controller(c);
        return 0;
}

/* Applies the state of interface EV to configured channel CH. */
static void follow(struct canring_service *svc, unsigned ch, const struct canring_if_event *ev)
{
        struct svc_channel *c = &svc->channels[ch];
        bool was_up = c->up && c->ifindex > 0;
        char err[256];

        if (ev->change == CANRING_IF_GONE) {
                if (c->fd >= 0) {
                        /* The kernel unbinds a socket whose interface is unregistered: it would
                         * never receive again, even from a re-created interface of the same name.
                         */
                        engine_rx_set_socket(svc->shards[c->shard].rx, c->local, -1);
                        c->fd = -1;
                }
                if (was_up || c->ifindex > 0)
                        svc_event(svc, ch, CANRING_EVENT_IF_DOWN, (uint64_t)c->ifindex, 1, 0);
                c->ifindex = 0;
                c->up = false;
                svc_channel_publish_info(svc, ch);
                return;
        }
        if (c->fd < 0 || c->ifindex != ev->ifindex) {
                /* New or re-created interface (a new ifindex): a new socket with the same settings.
                 */
                if (svc_channel_open(svc, ch, err, sizeof(err)) < 0) {
                        fprintf(stderr, "canring run: %s (will retry when the interface changes)\n",
                                err);
                        return;
                }
        }
        c->ifindex = ev->ifindex;
        c->up = ev->up;
        if (ev->up && !was_up)
                svc_event(svc, ch, CANRING_EVENT_IF_UP, (uint64_t)ev->ifindex, 0, 0);
        else if (!ev->up && was_up)
                svc_event(svc, ch, CANRING_EVENT_IF_DOWN, (uint64_t)ev->ifindex, 0, 0);
        read_controller(c);
        svc_channel_publish_info(svc, ch);
}

void svc_channels_on_if_event(void *ctx, const struct canring_if_event *ev)
{
        struct canring_service *svc = ctx;

        for (unsigned ch = 0; ch < svc->nconfigured; ch++) {
                struct svc_channel *c = &svc->channels[ch];

                if (c->spec->any || strcmp(c->name, ev->name) != 0)
                        continue;
                /* A stale event about an interface index we already replaced changes nothing. */
                if (ev->change == CANRING_IF_GONE && c->ifindex && ev->ifindex != c->ifindex)
                        continue;
                follow(svc, ch, ev);
        }
}

void svc_channels_resync(struct canring_service *svc)
{
        struct canring_if_event ev;

        for (unsigned ch = 0; ch < svc->nconfigured; ch++) {
                if (svc->channels[ch].spec->any)
                        continue;
                if (canring_if_query(svc->channels[ch].name, &ev) == 0)
                        follow(svc, ch, &ev);
        }
}

/* Puts growth of the interface's own drop counters (NOW: rx_dropped + rx_over_errors +
 * rx_fifo_errors + rx_missed_errors) into the stream as IF_DROP events. What the counters held
 * when the channel first saw its interface is the baseline; a re-created interface starts its
 * counters from 0 again. */
static void follow_if_drops(struct canring_service *svc, unsigned ch, uint64_t now)
{
        struct svc_channel *c = &svc->channels[ch];
        uint64_t delta;

        if (!c->if_drops_known) {
                c->if_drops_known = true;
                c->if_drops_last = now;
                return;
        }
        delta = now >= c->if_drops_last ? now - c->if_drops_last : now;
        c->if_drops_last = now;
        if (delta) {
                c->if_drops += delta;
                svc_event(svc, ch, CANRING_EVENT_IF_DROP, delta, c->if_drops, 0);
        }
}

/* One interface of the stats dump: the configured channels on it follow its drop counters. */
static void on_if_stats(void *ctx, int ifindex, const struct rtnl_link_stats64 *st)
{
        struct canring_service *svc = ctx;
        uint64_t drops =
            st->rx_dropped + st->rx_over_errors + st->rx_fifo_errors + st->rx_missed_errors;

        for (unsigned ch = 0; ch < svc->nconfigured; ch++) {
                const struct svc_channel *c = &svc->channels[ch];

                if (!c->spec->any && c->ifindex > 0 && c->ifindex == ifindex)
                        follow_if_drops(svc, ch, drops);
        }
}

/* Publishes channel ch's counters; returns their sum, to tell a tick that changed nothing. */
static uint64_t publish_counters(struct canring_service *svc, unsigned ch)
{
        struct svc_channel *c = &svc->channels[ch];
        struct canring_channel_counters k;
        struct engine_rx_chan_stats st;

        memset(&k, 0, sizeof(k));
        k.frames = __atomic_load_n(&c->frames, __ATOMIC_RELAXED);
        k.bytes = __atomic_load_n(&c->bytes, __ATOMIC_RELAXED);
        k.error_frames = __atomic_load_n(&c->error_frames, __ATOMIC_RELAXED);
        k.bus_state = c->bus_state_known ? c->bus_state : CAN_STATE_ERROR_ACTIVE;
        k.tx_frames = c->tx_frames;
        if (ch < svc->nconfigured &&
            engine_rx_get_chan_stats(svc->shards[c->shard].rx, c->local, &st) == 0)
                k.socket_drops = st.kernel_drops;
        canring_producer_set_counters(svc->producer, ch, &k);
        return k.frames + k.error_frames + k.tx_frames + k.socket_drops;
}

bool svc_channels_tick(struct canring_service *svc)
{
        /* Interface drop counters come from one netlink dump for all channels, once a second
         * (every tick when the timer ticks every second). */
        unsigned periods = svc->tick_slow ? 10 : 1;
        bool if_stats = svc->ticks / 10 != (svc->ticks + periods) / 10 || svc->ticks == 0;
        bool controller = false;
        uint64_t activity = 0;

        svc->ticks += periods;
        for (unsigned ch = 0; ch < svc->nchannels; ch++) {
                struct svc_channel *c = &svc->channels[ch];
                struct canring_ifinfo info;
                char err[128];

                /* Acquire: partner of the release in the sink when it adds an `any` channel. */
                if (ch >= svc->nconfigured && !__atomic_load_n(&c->ifindex, __ATOMIC_ACQUIRE))
                        continue;
                if (c->bus_state_known && canring_if_get(c->name, &info, err, sizeof(err)) == 0 &&
                    info.state >= 0 && (uint32_t)info.state != c->bus_state) {
                        svc_event(svc, ch, CANRING_EVENT_BUS_STATE, (uint64_t)info.state,
                                  c->bus_state, ((uint64_t)info.txerr << 16) | info.rxerr);
                        c->bus_state = (uint32_t)info.state;
                }
                controller |= c->bus_state_known;
                activity += publish_counters(svc, ch);
        }
        /* A dump that fails (unreadable) gives no IF_DROP this time. */
        if (if_stats)
                canring_if_stats_dump(&svc->stats_fd, on_if_stats, svc);
        bool changed = activity != svc->activity;
        svc->activity = activity;
        return changed || controller;
}
