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

#include "nl_parse.h"

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

/*
 * Reads one datagram into BUF. Returns its length, 0 for one that did not come from the kernel
 * (another process with the rights to send to this socket: its messages are not link events and
 * are dropped), or -errno.
 */
static ssize_t recv_from_kernel(int fd, void *buf, size_t size)
{
        for (;;) {
                struct sockaddr_nl from;
                socklen_t fromlen = sizeof(from);
                ssize_t n = recvfrom(fd, buf, size, 0, (struct sockaddr *)&from, &fromlen);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (fromlen < sizeof(from) || from.nl_family != AF_NETLINK || from.nl_pid != 0)
                        return 0;
                return n;
        }
}

int canring_if_monitor_dispatch(struct canring_if_monitor *m, canring_if_event_fn fn, void *ctx)
{
        /* Aligned for nlmsghdr; big enough for a burst of link messages. */
        static _Thread_local long buf[8192 / sizeof(long)];
        int events = 0, bad = 0;

        for (;;) {
                ssize_t n = recv_from_kernel(m->fd, buf, sizeof(buf));
                int ret;

                if (n == -EAGAIN || n == -EWOULDBLOCK)
                        return bad ? bad : events;
                if (n < 0)
                        return (int)n; /* -ENOBUFS: overflow, the caller re-reads the state */
                ret = canring_nl_parse_links(buf, (size_t)n, fn, ctx);
                if (ret < 0)
                        bad = ret; /* the rest of that datagram is unreadable: events were lost */
                else
                        events += ret;
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
                ssize_t n = recv_from_kernel(fd, buf, sizeof(buf));
                bool done;
                int ret;

                if (n < 0) {
                        err = (int)n;
                        goto out;
                }
                ret = canring_nl_parse_stats(buf, (size_t)n, fn, ctx, &done);
                if (ret < 0) {
                        err = ret;
                        goto out;
                }
                count += ret;
                if (done)
                        goto out;
        }
out:
        if (err < 0) {
                close(fd);
                *fdp = -1;
        }
        return err < 0 ? err : count;
}
