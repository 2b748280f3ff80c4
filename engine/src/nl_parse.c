/* SPDX-License-Identifier: MIT */
/*
 * rtnetlink reply parsing on the checked walk of api/src/nl_walk.h (not the NLMSG_* and RTA_*
 * macros, which trust the lengths they find). Structs are copied out of the buffer (memcpy) so
 * that no alignment is assumed of it.
 */
#include "nl_parse.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "nl_walk.h"

/* Fills EV from one RTM_NEWLINK or RTM_DELLINK; returns whether it names its interface. */
static bool parse_link(const struct canring__nl_msg *msg, struct canring_if_event *ev)
{
        struct ifinfomsg ifi;
        struct canring__nl_attr a;
        size_t off = NLMSG_ALIGN(sizeof(ifi));

        if (msg->payload_len < sizeof(ifi))
                return false;
        memcpy(&ifi, msg->payload, sizeof(ifi));
        memset(ev, 0, sizeof(*ev));
        ev->change = msg->nh.nlmsg_type == RTM_DELLINK ? CANRING_IF_GONE : CANRING_IF_PRESENT;
        ev->ifindex = ifi.ifi_index;
        ev->up = (ifi.ifi_flags & IFF_UP) != 0;
        while (canring__nl_attr_next(msg->payload, msg->payload_len, &off, &a)) {
                if (a.type == IFLA_IFNAME) {
                        /* The kernel's name ends in a NUL inside the attribute; stop at it, and
                         * at IFNAMSIZ - 1 characters if it has none. */
                        size_t max = a.len < IFNAMSIZ - 1 ? a.len : IFNAMSIZ - 1;
                        const unsigned char *nul = memchr(a.data, '\0', max);
                        size_t len = nul ? (size_t)(nul - a.data) : max;

                        memcpy(ev->name, a.data, len);
                        ev->name[len] = '\0';
                } else if (a.type == IFLA_MTU && a.len >= sizeof(unsigned)) {
                        memcpy(&ev->mtu, a.data, sizeof(unsigned));
                }
        }
        return ev->name[0] != '\0';
}

int canring_nl_parse_links(const void *buf, size_t len, canring_if_event_fn fn, void *ctx)
{
        struct canring__nl_msg msg;
        size_t off = 0;
        int events = 0, ret;

        while ((ret = canring__nl_msg_next(buf, len, &off, &msg)) > 0) {
                struct canring_if_event ev;

                if ((msg.nh.nlmsg_type == RTM_NEWLINK || msg.nh.nlmsg_type == RTM_DELLINK) &&
                    parse_link(&msg, &ev)) {
                        fn(ctx, &ev);
                        events++;
                }
        }
        return ret < 0 ? ret : events;
}

/* Calls FN for the IFLA_STATS_LINK_64 of one RTM_NEWSTATS message; returns whether it had them. */
static bool parse_stats(const struct canring__nl_msg *msg, canring_if_stats_fn fn, void *ctx)
{
        struct if_stats_msg ism;
        struct canring__nl_attr a;
        size_t off = NLMSG_ALIGN(sizeof(ism));

        if (msg->payload_len < off)
                return false;
        memcpy(&ism, msg->payload, sizeof(ism));
        while (canring__nl_attr_next(msg->payload, msg->payload_len, &off, &a)) {
                if (a.type == IFLA_STATS_LINK_64 && a.len >= sizeof(struct rtnl_link_stats64)) {
                        struct rtnl_link_stats64 st;

                        memcpy(&st, a.data, sizeof(st)); /* attributes are only 4-byte aligned */
                        fn(ctx, (int)ism.ifindex, &st);
                        return true;
                }
        }
        return false;
}

int canring_nl_parse_stats(const void *buf, size_t len, canring_if_stats_fn fn, void *ctx,
                           bool *done)
{
        struct canring__nl_msg msg;
        size_t off = 0;
        int count = 0, ret;

        *done = false;
        while ((ret = canring__nl_msg_next(buf, len, &off, &msg)) > 0) {
                if (msg.nh.nlmsg_type == NLMSG_DONE) {
                        *done = true;
                        break;
                }
                if (msg.nh.nlmsg_type == NLMSG_ERROR) {
                        /* A dump is not acknowledged: an NLMSG_ERROR that reports no error
                         * is no more a good end of it than one that does. */
                        int error = canring__nl_error(&msg);

                        return error < 0 ? error : -EIO;
                }
                if (msg.nh.nlmsg_type == RTM_NEWSTATS && parse_stats(&msg, fn, ctx))
                        count++;
        }
        return ret < 0 ? ret : count;
}
