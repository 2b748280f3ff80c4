/* SPDX-License-Identifier: MIT */
/* The service's internal state, shared by service.c, service_sink.c and service_channels.c. */
#ifndef CANRING_SERVICE_PRIV_H
#define CANRING_SERVICE_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "canring/producer.h"
#include "engine_channel.h"
#include "engine_rx_loop.h"
#include "if_monitor.h"
#include "service.h"
#include "wake_span.h"

/* An `any` channel's map from the interfaces it has seen to the channels made for them. Only the
 * engine thread that serves the `any` channel touches it. */
struct svc_any_map {
        unsigned n;
        int ifindex[CANRING_SERVICE_ANY_SLOTS];
        uint16_t channel[CANRING_SERVICE_ANY_SLOTS];
};

struct svc_channel {
        const struct canring_channel_spec *spec; /* NULL for channels made for an `any` */
        char name[IFNAMSIZ];
        unsigned shard, local;           /* engine thread and its channel index */
        struct engine_channel_info info; /* what the last open granted */
        int ifindex; /* current interface index, 0 while the interface is gone */
        bool up;     /* interface administratively up, as last seen */
        /* The socket installed in the engine (which owns it), -1 if none; the control thread
         * sends and changes filters on it. */
        int fd;
        uint64_t tx_frames;      /* control thread only: frames sent through the control socket */
        bool bus_state_known;    /* libsocketcan reports a bus state (real controllers) */
        uint32_t bus_state;      /* enum can_state, last seen */
        uint32_t bitrate;        /* bit/s, 0 if the interface has none */
        struct svc_any_map *any; /* for `any` channels */
        /* Written by the engine thread with relaxed atomics; read by the control thread. */
        uint64_t frames, bytes, error_frames;
        uint64_t socket_drops; /* engine thread only: running total for SOCKET_DROP events */
        /* Control thread only: the interface's own drop counters (sysfs statistics). */
        uint64_t if_drops_last; /* their sum at the last look */
        uint64_t if_drops;      /* drops reported in IF_DROP events so far */
        bool if_drops_known;
};

struct svc_shard {
        struct canring_service *svc;
        unsigned index; /* engine thread = ring index */
        struct engine_rx *rx;
        unsigned nchannels;
        uint16_t *global;      /* local channel index -> global channel index */
        struct wake_span owed; /* the frames committed since the readers were last woken */
};

struct canring_service {
        struct canring_service_config cfg;
        engine_channel_open_fn open;
        void *open_ctx;
        struct canring_producer *producer;
        unsigned nconfigured;  /* channels from the configuration */
        unsigned nchannels;    /* channel table size in the segment (configured + `any` slots) */
        unsigned next_dynamic; /* next free `any` slot (atomic: several engine threads may add) */
        struct svc_channel *channels;
        unsigned nshards;
        struct svc_shard *shards;
        unsigned event_ring; /* ring of the control thread's events */
        struct canring_if_monitor *ifmon;
        struct ctl_server *control; /* the control socket (control.h) */
        int stop_fd;                /* eventfd */
        int timer_fd;
        int stats_fd;      /* netlink socket of the interface counter dumps; -1: none yet */
        unsigned ticks;    /* 100 ms periods so far (control thread) */
        bool tick_slow;    /* the timer ticks every second: nothing changed for a tick */
        uint64_t activity; /* sum of the counters the last tick published */
};

/* The engine's sink: publishes a batch of frames into the shard's ring. */
int svc_sink(void *ctx, const struct engine_rx_frame *frames, unsigned n);
/* The engine goes to sleep: wakes the readers the sink's deferred commits left asleep (see
 * wake_span.h for when a brief sleep leaves them asleep a little longer). */
uint64_t svc_sink_idle(void *ctx, bool brief);

/* Opens channel ch's socket and installs it in its engine; 0 or -errno with ERR. */
int svc_channel_open(struct canring_service *svc, unsigned ch, char *err, size_t errlen);

/* Follows an interface event for whichever channels use that interface. */
void svc_channels_on_if_event(void *ctx, const struct canring_if_event *ev);

/* Re-reads the state of every configured channel's interface (start-up, netlink overflow). */
void svc_channels_resync(struct canring_service *svc);

/*
 * Refreshes bus states and publishes counters; interface drop counters once a second. Returns
 * whether the control thread should keep ticking fast (every 100 ms): something changed since
 * the last tick, or a channel is a controller with a bus state, which can change without frames.
 */
bool svc_channels_tick(struct canring_service *svc);

/* Publishes the channel's metadata (name, ifindex, flags, bitrate) into the segment. */
void svc_channel_publish_info(struct canring_service *svc, unsigned ch);

/* Writes an event into the control thread's ring. */
void svc_event(struct canring_service *svc, unsigned ch, uint32_t type, uint64_t v0, uint64_t v1,
               uint64_t v2);

#endif
