/* SPDX-License-Identifier: MIT */
/*
 * Watches network interfaces come, go, go down and come up (rtnetlink RTMGRP_LINK), so the service
 * can keep a channel across an interface that is downed, or deleted and re-created with a new
 * ifindex. The socket is non-blocking; poll its fd and call dispatch when it is readable.
 */
#ifndef CANRING_IF_MONITOR_H
#define CANRING_IF_MONITOR_H

#include <net/if.h>
#include <stdbool.h>

enum canring_if_change {
        CANRING_IF_PRESENT, /* the interface exists (new, or its flags/mtu changed) */
        CANRING_IF_GONE,    /* the interface was deleted */
};

struct canring_if_event {
        enum canring_if_change change;
        char name[IFNAMSIZ];
        int ifindex;
        bool up;      /* IFF_UP: administratively up */
        unsigned mtu; /* 16 classic CAN, 72 CAN FD */
};

struct canring_if_monitor;

/* Opens the netlink socket. Returns 0 or -errno. */
int canring_if_monitor_open(struct canring_if_monitor **out);
void canring_if_monitor_close(struct canring_if_monitor *m);
int canring_if_monitor_fd(const struct canring_if_monitor *m);

typedef void (*canring_if_event_fn)(void *ctx, const struct canring_if_event *ev);

/*
 * Reads every pending message and calls FN once per link event. Only the kernel's messages count.
 * Returns the number of events, or -errno. -ENOBUFS (netlink overflowed) and -EBADMSG (a message
 * could not be parsed, so what followed it in its datagram was not read) mean events were lost:
 * the caller must re-read the state of its interfaces (the monitor stays usable).
 */
int canring_if_monitor_dispatch(struct canring_if_monitor *m, canring_if_event_fn fn, void *ctx);

/* The current state of one interface by name, as an event (change PRESENT or GONE). 0 or -errno. */
int canring_if_query(const char *name, struct canring_if_event *ev);

struct rtnl_link_stats64;
typedef void (*canring_if_stats_fn)(void *ctx, int ifindex, const struct rtnl_link_stats64 *st);

/*
 * Every interface's counters in one RTM_GETSTATS dump (IFLA_STATS_LINK_64 only): FN once per
 * interface. One netlink round trip for all channels, where sysfs would take three system calls per
 * file. *FDP is the netlink socket, kept by the caller between dumps: -1 the first time (the dump
 * opens one); after an error the dump has closed it and set -1. The caller closes it at the end.
 * Returns the number of interfaces or -errno.
 */
int canring_if_stats_dump(int *fdp, canring_if_stats_fn fn, void *ctx);

#endif
