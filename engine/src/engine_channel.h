/* SPDX-License-Identifier: MIT */
/*
 * A channel: one CAN_RAW socket on one interface (or on every CAN interface: "any"), configured the
 * way candump/python-can users know (filters, error mask, FD, own messages, timestamps, receive
 * buffer) and ready for the receive loop.
 *
 * The open function has a type of its own so that the service takes it as a parameter and host
 * tests, which have no SocketCAN, can substitute stand-in sockets.
 */
#ifndef CANRING_ENGINE_CHANNEL_H
#define CANRING_ENGINE_CHANNEL_H

#include <linux/can.h>
#include <stdbool.h>
#include <stddef.h>

#define ENGINE_CHANNEL_ANY                                                                         \
        "any" /* interface name that binds to every CAN interface (ifindex 0)                      \
               */

struct engine_channel_config {
        const char *name;   /* channel name used in messages; NULL = ifname */
        const char *ifname; /* interface name (at most IFNAMSIZ - 1 chars) or ENGINE_CHANNEL_ANY */
        /* Kernel filters (CAN_RAW_FILTER); an entry whose can_id has CAN_INV_FILTER matches what
         * the rest does not. Only applied when set_filters: the kernel default is one filter that
         * passes everything, and set_filters with nfilters == 0 receives no data frames at all. */
        const struct can_filter *filters;
        unsigned nfilters; /* at most CAN_RAW_FILTER_MAX */
        bool set_filters;
        bool join_filters;       /* CAN_RAW_JOIN_FILTERS: a frame must match every filter (AND) */
        can_err_mask_t err_mask; /* CAN_RAW_ERR_FILTER: error classes to receive, 0 = none */
        bool fd;                 /* CAN_RAW_FD_FRAMES; the interface must have MTU CANFD_MTU */
        bool recv_own_msgs; /* CAN_RAW_RECV_OWN_MSGS: see our own transmissions (MSG_CONFIRM) */
        bool no_loopback;   /* CAN_RAW_LOOPBACK = 0: no frames sent by other local sockets */
        bool hw_timestamps; /* SO_TIMESTAMPING with hardware stamps (+ SIOCSHWTSTAMP) */
        int rcvbuf;         /* receive buffer in bytes asked for; 0 = kernel default */
};

struct engine_channel_info {
        int ifindex;        /* 0 for "any" */
        int mtu;            /* interface MTU: CAN_MTU or CANFD_MTU (0 for "any") */
        int rcvbuf;         /* receive buffer the kernel granted (getsockopt SO_RCVBUF, bytes) */
        bool rcvbuf_forced; /* SO_RCVBUFFORCE worked (may exceed net.core.rmem_max) */
        bool hw_timestamps; /* the driver accepted SIOCSHWTSTAMP */
        char warning[192];  /* a non-fatal problem (hardware stamps unavailable, ...), "" if none */
};

/*
 * Opens and configures the socket for cfg and returns it (non-blocking, close-on-exec), filling
 * info. On failure returns -errno, writes "channel 'NAME': PROBLEM" into err and leaves no fd open.
 */
typedef int (*engine_channel_open_fn)(void *ctx, const struct engine_channel_config *cfg,
                                      struct engine_channel_info *info, char *err, size_t errlen);

/* The real opener (CAN_RAW); ctx is unused. */
int engine_channel_open(void *ctx, const struct engine_channel_config *cfg,
                        struct engine_channel_info *info, char *err, size_t errlen);

/*
 * The checks that need no CAN socket, run by engine_channel_open first. Errors:
 *   -EINVAL        no interface name, or a filter list that is too long or missing
 *   -ENAMETOOLONG  interface name of IFNAMSIZ characters or more
 *   -ENODEV        no interface of that name
 *   -EPROTOTYPE    the interface is not a CAN interface (link type is not ARPHRD_CAN)
 *   -EOPNOTSUPP    CAN FD asked for on an interface whose MTU is not CANFD_MTU
 * Fills info->ifindex and info->mtu.
 */
int engine_channel_validate(const struct engine_channel_config *cfg,
                            struct engine_channel_info *info, char *err, size_t errlen);

#endif
