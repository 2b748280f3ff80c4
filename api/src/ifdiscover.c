/* SPDX-License-Identifier: MIT */
/*
 * CAN interface discovery over rtnetlink: one RTM_GETLINK dump gives every interface with its
 * kind and, for controllers, bit timing, state and counters in one consistent snapshot.
 * libsocketcan cannot enumerate interfaces, does not report the kind (vcan/vxcan/can) and has
 * no data-phase bit timing, so this reads the dump itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if_arp.h>
#include <sys/socket.h>
#include <linux/can.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "canring/ifctl.h"
#include "ifctl_priv.h"
#include "nl_walk.h"

/* Copies a fixed-size attribute payload, refusing a short one (older kernels add fields last). */
static bool attr_get(const struct rtattr *a, void *dst, size_t size)
{
        if (RTA_PAYLOAD(a) < size)
                return false;
        memcpy(dst, RTA_DATA(a), size);
        return true;
}

static void parse_can_data(const struct rtattr *data, struct canring_ifinfo *info)
{
        int len = (int)RTA_PAYLOAD(data);
        for (const struct rtattr *a = RTA_DATA(data); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
                struct can_bittiming bt;
                struct can_ctrlmode cm;
                struct can_berr_counter bc;
                struct can_clock clk;
                uint32_t u;

                switch (a->rta_type) {
                case IFLA_CAN_BITTIMING:
                        if (attr_get(a, &bt, sizeof(bt))) {
                                info->bitrate = bt.bitrate;
                                info->sample_point = bt.sample_point;
                        }
                        break;
                case IFLA_CAN_DATA_BITTIMING:
                        if (attr_get(a, &bt, sizeof(bt))) {
                                info->dbitrate = bt.bitrate;
                                info->dsample_point = bt.sample_point;
                        }
                        break;
                case IFLA_CAN_STATE:
                        if (attr_get(a, &u, sizeof(u)))
                                info->state = (int32_t)u;
                        break;
                case IFLA_CAN_CTRLMODE:
                        if (attr_get(a, &cm, sizeof(cm)))
                                info->ctrlmode = cm.flags;
                        break;
                case IFLA_CAN_RESTART_MS:
                        if (attr_get(a, &u, sizeof(u)))
                                info->restart_ms = u;
                        break;
                case IFLA_CAN_BERR_COUNTER:
                        if (attr_get(a, &bc, sizeof(bc))) {
                                info->txerr = bc.txerr;
                                info->rxerr = bc.rxerr;
                                info->has_berr = true;
                        }
                        break;
                case IFLA_CAN_CLOCK:
                        if (attr_get(a, &clk, sizeof(clk)))
                                info->clock_hz = clk.freq;
                        break;
                }
        }
}

static void parse_linkinfo(const struct rtattr *li, struct canring_ifinfo *info)
{
        const struct rtattr *data = NULL, *xstats = NULL;
        int len = (int)RTA_PAYLOAD(li);

        for (const struct rtattr *a = RTA_DATA(li); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
                if (a->rta_type == IFLA_INFO_KIND) {
                        size_t n = strnlen(RTA_DATA(a), RTA_PAYLOAD(a));
                        if (n >= sizeof(info->kind))
                                n = sizeof(info->kind) - 1;
                        memcpy(info->kind, RTA_DATA(a), n);
                        info->kind[n] = '\0';
                } else if (a->rta_type == IFLA_INFO_DATA) {
                        data = a;
                } else if (a->rta_type == IFLA_INFO_XSTATS) {
                        xstats = a;
                }
        }
        /* Only a controller ("can") has bit timing; vcan/vxcan carry no CAN data at all. */
        if (strcmp(info->kind, "can") != 0)
                return;
        info->has_bittiming = true;
        if (data)
                parse_can_data(data, info);
        if (xstats && attr_get(xstats, &info->stats, sizeof(info->stats)))
                info->has_stats = true;
}

int canring__if_parse_link(const struct nlmsghdr *nh, struct canring_ifinfo *info)
{
        if (nh->nlmsg_type != RTM_NEWLINK || nh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
                return -EINVAL;
        const struct ifinfomsg *ifi = NLMSG_DATA(nh);
        if (ifi->ifi_type != ARPHRD_CAN)
                return 0;
        memset(info, 0, sizeof(*info));
        info->ifindex = ifi->ifi_index;
        info->up = ifi->ifi_flags & IFF_UP;
        info->running = ifi->ifi_flags & IFF_RUNNING;
        info->state = -1;
        int len = (int)IFLA_PAYLOAD(nh);
        bool named = false;
        for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
                switch (a->rta_type) {
                case IFLA_IFNAME: {
                        size_t n = strnlen(RTA_DATA(a), RTA_PAYLOAD(a));
                        if (n == 0 || n >= sizeof(info->name))
                                return -EINVAL;
                        memcpy(info->name, RTA_DATA(a), n);
                        info->name[n] = '\0';
                        named = true;
                        break;
                }
                case IFLA_MTU:
                        attr_get(a, &info->mtu, sizeof(info->mtu));
                        break;
                case IFLA_LINKINFO:
                        parse_linkinfo(a, info);
                        break;
                }
        }
        return named ? 1 : -EINVAL;
}

int canring__if_dump(int (*cb)(const struct canring_ifinfo *info, void *arg), void *arg)
{
        struct {
                struct nlmsghdr nh;
                struct ifinfomsg ifi;
        } req;
        struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
        const size_t bufsize = 32768; /* the kernel's dump chunks fit (NLMSG_GOODSIZE and more) */
        int ret = 0;

        int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (s < 0)
                return -errno;
        char *buf = malloc(bufsize);
        if (!buf) {
                ret = -ENOMEM;
                goto out;
        }
        memset(&req, 0, sizeof(req));
        req.nh.nlmsg_len = sizeof(req);
        req.nh.nlmsg_type = RTM_GETLINK;
        req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        req.nh.nlmsg_seq = 1;
        req.ifi.ifi_family = AF_UNSPEC;
        if (sendto(s, &req, sizeof(req), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                ret = -errno;
                goto out;
        }
        for (;;) {
                ssize_t n = recv(s, buf, bufsize, 0);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        ret = -errno;
                        goto out;
                }
                struct canring__nl_msg msg;
                size_t off = 0;
                int more;
                /* canring__if_parse_link() takes the message's length as given: the walk has
                 * checked it against the datagram. */
                while ((more = canring__nl_msg_next(buf, (size_t)n, &off, &msg)) > 0) {
                        const struct nlmsghdr *nh = (const struct nlmsghdr *)msg.start;
                        if (nh->nlmsg_type == NLMSG_DONE)
                                goto out;
                        if (nh->nlmsg_type == NLMSG_ERROR) {
                                int error = canring__nl_error(&msg);
                                ret = error ? error : -EIO;
                                goto out;
                        }
                        struct canring_ifinfo info;
                        if (canring__if_parse_link(nh, &info) == 1 && ret == 0)
                                ret = cb(&info, arg);
                        /* a callback's error is kept; the dump is still drained to NLMSG_DONE */
                }
                if (more < 0) {
                        ret = more; /* the rest of the dump cannot be found */
                        goto out;
                }
                if (n == 0)
                        break;
        }
out:
        free(buf);
        close(s);
        return ret;
}

struct list_acc {
        struct canring_ifinfo *v;
        size_t n, cap;
};

static int list_add(const struct canring_ifinfo *info, void *arg)
{
        struct list_acc *acc = arg;
        if (acc->n == acc->cap) {
                size_t cap = acc->cap ? acc->cap * 2 : 8;
                struct canring_ifinfo *v = realloc(acc->v, cap * sizeof(*v));
                if (!v)
                        return -ENOMEM;
                acc->v = v;
                acc->cap = cap;
        }
        acc->v[acc->n++] = *info;
        return 0;
}

static int by_ifindex(const void *a, const void *b)
{
        const struct canring_ifinfo *x = a, *y = b;
        return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

int canring_if_list(struct canring_ifinfo **out, size_t *n)
{
        struct list_acc acc = {0};
        int ret = canring__if_dump(list_add, &acc);
        if (ret < 0) {
                free(acc.v);
                return ret;
        }
        if (acc.n > 1)
                qsort(acc.v, acc.n, sizeof(*acc.v), by_ifindex);
        *out = acc.v;
        *n = acc.n;
        return 0;
}

const char *canring_if_state_name(int32_t state)
{
        switch (state) {
        case CAN_STATE_ERROR_ACTIVE:
                return "ERROR-ACTIVE";
        case CAN_STATE_ERROR_WARNING:
                return "ERROR-WARNING";
        case CAN_STATE_ERROR_PASSIVE:
                return "ERROR-PASSIVE";
        case CAN_STATE_BUS_OFF:
                return "BUS-OFF";
        case CAN_STATE_STOPPED:
                return "STOPPED";
        case CAN_STATE_SLEEPING:
                return "SLEEPING";
        default:
                return "unknown";
        }
}
