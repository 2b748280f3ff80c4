/* SPDX-License-Identifier: MIT */
#include "if_monitor.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

struct canring_if_monitor {
        int fd;
};

int canring_if_monitor_open(struct canring_if_monitor **out)
{
        struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK};
        struct canring_if_monitor *m;
        int err;

        m = calloc(1, sizeof(*m));
        if (!m)
                return -ENOMEM;
        m->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (m->fd < 0) {
                err = -errno;
                goto free_m;
        }
        if (bind(m->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                err = -errno;
                goto close_fd;
        }
        *out = m;
        return 0;

close_fd:
        close(m->fd);
free_m:
        free(m);
        return err;
}

void canring_if_monitor_close(struct canring_if_monitor *m)
{
        if (!m)
                return;
        close(m->fd);
        free(m);
}

int canring_if_monitor_fd(const struct canring_if_monitor *m)
{
        return m->fd;
}

static void parse_link(const struct nlmsghdr *nh, canring_if_event_fn fn, void *ctx)
{
        const struct ifinfomsg *ifi = NLMSG_DATA(nh);
        struct canring_if_event ev = {
            .change = nh->nlmsg_type == RTM_DELLINK ? CANRING_IF_GONE : CANRING_IF_PRESENT,
            .ifindex = ifi->ifi_index,
            .up = (ifi->ifi_flags & IFF_UP) != 0,
        };
        int len = (int)nh->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifi));

        for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
                if (a->rta_type == IFLA_IFNAME) {
                        size_t n = RTA_PAYLOAD(a) < IFNAMSIZ ? RTA_PAYLOAD(a) : IFNAMSIZ - 1;

                        memcpy(ev.name, RTA_DATA(a), n);
                        ev.name[n < IFNAMSIZ ? n : IFNAMSIZ - 1] = '\0';
                } else if (a->rta_type == IFLA_MTU && RTA_PAYLOAD(a) >= sizeof(unsigned)) {
                        memcpy(&ev.mtu, RTA_DATA(a), sizeof(unsigned));
                }
        }
        if (ev.name[0])
                fn(ctx, &ev);
}

int canring_if_monitor_dispatch(struct canring_if_monitor *m, canring_if_event_fn fn, void *ctx)
{
        /* Aligned for nlmsghdr; big enough for a burst of link messages. */
        static _Thread_local long buf[8192 / sizeof(long)];
        int events = 0;

        for (;;) {
                ssize_t n = recv(m->fd, buf, sizeof(buf), 0);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN || errno == EWOULDBLOCK)
                                return events;
                        return -errno; /* ENOBUFS: overflow, the caller re-reads the state */
                }
                for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (unsigned)n);
                     nh = NLMSG_NEXT(nh, n)) {
                        if (nh->nlmsg_type == RTM_NEWLINK || nh->nlmsg_type == RTM_DELLINK) {
                                parse_link(nh, fn, ctx);
                                events++;
                        }
                }
        }
}

int canring_if_query(const char *name, struct canring_if_event *ev)
{
        struct ifreq ifr;
        int fd, err = 0;

        memset(ev, 0, sizeof(*ev));
        if (strlen(name) >= IFNAMSIZ)
                return -ENAMETOOLONG;
        strcpy(ev->name, name);
        ev->ifindex = (int)if_nametoindex(name);
        if (ev->ifindex == 0) {
                ev->change = CANRING_IF_GONE;
                return 0;
        }
        ev->change = CANRING_IF_PRESENT;
        fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        memset(&ifr, 0, sizeof(ifr));
        strcpy(ifr.ifr_name, name);
        if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0)
                ev->up = (ifr.ifr_flags & IFF_UP) != 0;
        else
                err = -errno;
        if (!err && ioctl(fd, SIOCGIFMTU, &ifr) == 0)
                ev->mtu = (unsigned)ifr.ifr_mtu;
        close(fd);
        if (err == -ENODEV) {
                ev->change = CANRING_IF_GONE; /* deleted between the two calls */
                err = 0;
        }
        return err;
}

/* Calls FN for the IFLA_STATS_LINK_64 of one RTM_NEWSTATS message, if it has them. */
static void parse_stats(const struct nlmsghdr *nh, canring_if_stats_fn fn, void *ctx)
{
        const struct if_stats_msg *ism = NLMSG_DATA(nh);
        int len = (int)nh->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ism));
        const struct rtattr *a =
            (const struct rtattr *)((const char *)ism + NLMSG_ALIGN(sizeof(*ism)));

        for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
                if (a->rta_type == IFLA_STATS_LINK_64 &&
                    RTA_PAYLOAD(a) >= sizeof(struct rtnl_link_stats64)) {
                        struct rtnl_link_stats64 st;

                        memcpy(&st, RTA_DATA(a), sizeof(st)); /* attributes are 4-byte aligned */
                        fn(ctx, (int)ism->ifindex, &st);
                        return;
                }
        }
}

int canring_if_stats_dump(int *fdp, canring_if_stats_fn fn, void *ctx)
{
        /* RTM_GETSTATS asking for the 64-bit link counters only: about 200 bytes per interface,
         * where an RTM_GETLINK dump builds every link attribute (~1.5 KiB each; at 64 channels
         * that dump was most of the control thread's idle CPU). */
        struct {
                struct nlmsghdr nh;
                struct if_stats_msg ism;
        } req = {
            .nh = {.nlmsg_len = sizeof(req),
                   .nlmsg_type = RTM_GETSTATS,
                   .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
                   .nlmsg_seq = 1},
            .ism = {.family = AF_UNSPEC, .filter_mask = IFLA_STATS_FILTER_BIT(IFLA_STATS_LINK_64)},
        };
        static _Thread_local long buf[32768 / sizeof(long)];
        int fd = *fdp, count = 0, err = 0;

        /* The socket is kept from one dump to the next: making and closing one each time was
         * most of an idle control thread's tick. A dump either reads to NLMSG_DONE or fails and
         * closes it, so no reply of an earlier dump is ever left queued on it. */
        if (fd < 0) {
                fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
                if (fd < 0)
                        return -errno;
                *fdp = fd;
        }
        if (send(fd, &req, sizeof(req), 0) < 0) {
                err = -errno;
                goto out;
        }
        for (;;) {
                ssize_t n = recv(fd, buf, sizeof(buf), 0);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        err = -errno;
                        goto out;
                }
                for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (unsigned)n);
                     nh = NLMSG_NEXT(nh, n)) {
                        if (nh->nlmsg_type == NLMSG_DONE)
                                goto out;
                        if (nh->nlmsg_type == NLMSG_ERROR) {
                                const struct nlmsgerr *e = NLMSG_DATA(nh);

                                err = e->error < 0 ? e->error : -EIO;
                                goto out;
                        }
                        if (nh->nlmsg_type == RTM_NEWSTATS) {
                                parse_stats(nh, fn, ctx);
                                count++;
                        }
                }
        }
out:
        if (err < 0) {
                close(fd);
                *fdp = -1;
        }
        return err < 0 ? err : count;
}
