/* SPDX-License-Identifier: MIT */
/*
 * The rtnetlink parsers (engine/src/nl_parse.c) on crafted replies: what the kernel sends is read
 * as it should be, and lengths that lie (a message or attribute longer than the bytes received,
 * shorter than its header, a last message whose length is not a multiple of four, a payload too
 * short for its struct) are neither followed out of the buffer nor taken for events.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl_parse.h"

static int failures;

#define CHECK(cond)                                                                                \
        do {                                                                                       \
                if (!(cond)) {                                                                     \
                        fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond);                 \
                        failures++;                                                                \
                }                                                                                  \
        } while (0)

/* A reply being built: messages appended one after the other, as the kernel lays them out. */
struct reply {
        _Alignas(8) unsigned char b[4096];
        size_t len;  /* bytes used */
        size_t open; /* offset of the message being built */
};

static void msg_begin(struct reply *r, uint16_t type)
{
        struct nlmsghdr nh = {.nlmsg_len = NLMSG_HDRLEN, .nlmsg_type = type};

        r->open = r->len;
        memcpy(r->b + r->len, &nh, sizeof(nh));
        r->len += NLMSG_HDRLEN;
}

static void put(struct reply *r, const void *p, size_t n)
{
        memcpy(r->b + r->len, p, n);
        r->len += n;
        r->len = r->open + NLMSG_ALIGN(r->len - r->open);
        uint32_t mlen = (uint32_t)(r->len - r->open);
        memcpy(r->b + r->open, &mlen, sizeof(mlen)); /* nlmsg_len */
}

static void attr(struct reply *r, uint16_t type, const void *p, size_t n)
{
        struct rtattr a = {.rta_len = (unsigned short)RTA_LENGTH(n), .rta_type = type};
        unsigned char tmp[RTA_SPACE(256)] = {0};

        memcpy(tmp, &a, sizeof(a));
        memcpy(tmp + RTA_LENGTH(0), p, n);
        put(r, tmp, RTA_SPACE(n));
}

static void link_msg(struct reply *r, uint16_t type, int ifindex, unsigned flags, const char *name,
                     unsigned mtu)
{
        struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex, .ifi_flags = flags};

        msg_begin(r, type);
        put(r, &ifi, sizeof(ifi));
        if (name)
                attr(r, IFLA_IFNAME, name, strlen(name) + 1);
        if (mtu)
                attr(r, IFLA_MTU, &mtu, sizeof(mtu));
}

static void stats_msg(struct reply *r, int ifindex, uint64_t rx_packets, uint64_t rx_dropped)
{
        struct if_stats_msg ism = {.family = AF_UNSPEC, .ifindex = (uint32_t)ifindex};
        struct rtnl_link_stats64 st = {.rx_packets = rx_packets, .rx_dropped = rx_dropped};

        msg_begin(r, RTM_NEWSTATS);
        put(r, &ism, sizeof(ism));
        attr(r, IFLA_STATS_LINK_64, &st, sizeof(st));
}

static void done_msg(struct reply *r)
{
        int zero = 0;

        msg_begin(r, NLMSG_DONE);
        put(r, &zero, sizeof(zero));
}

static void set_u32(struct reply *r, size_t off, uint32_t v)
{
        memcpy(r->b + off, &v, sizeof(v));
}

#define MAX_SEEN 8
struct seen {
        int n;
        struct canring_if_event ev[MAX_SEEN];
        int ifindex[MAX_SEEN];
        struct rtnl_link_stats64 st[MAX_SEEN];
};

static void on_link(void *ctx, const struct canring_if_event *ev)
{
        struct seen *s = ctx;

        if (s->n < MAX_SEEN)
                s->ev[s->n] = *ev;
        s->n++;
}

static void on_stats(void *ctx, int ifindex, const struct rtnl_link_stats64 *st)
{
        struct seen *s = ctx;

        if (s->n < MAX_SEEN) {
                s->ifindex[s->n] = ifindex;
                s->st[s->n] = *st;
        }
        s->n++;
}

static int parse_links(const struct reply *r, size_t len, struct seen *s)
{
        memset(s, 0, sizeof(*s));
        return canring_nl_parse_links(r->b, len, on_link, s);
}

static void test_links_as_the_kernel_sends_them(void)
{
        struct reply r = {0};
        struct seen s;

        link_msg(&r, RTM_NEWLINK, 7, IFF_UP, "can0", 16);
        link_msg(&r, RTM_DELLINK, 8, 0, "can1", 72);
        link_msg(&r, RTM_NEWADDR, 9, 0, "eth0", 1500); /* not a link message: ignored */
        CHECK(parse_links(&r, r.len, &s) == 2 && s.n == 2);
        CHECK(s.ev[0].change == CANRING_IF_PRESENT && s.ev[0].ifindex == 7 && s.ev[0].up &&
              strcmp(s.ev[0].name, "can0") == 0 && s.ev[0].mtu == 16);
        CHECK(s.ev[1].change == CANRING_IF_GONE && s.ev[1].ifindex == 8 && !s.ev[1].up &&
              strcmp(s.ev[1].name, "can1") == 0 && s.ev[1].mtu == 72);
        CHECK(parse_links(&r, 0, &s) == 0 && s.n == 0);
}

static void test_link_without_a_name_is_no_event(void)
{
        struct reply r = {0};
        struct seen s;

        link_msg(&r, RTM_NEWLINK, 7, IFF_UP, NULL, 16);
        link_msg(&r, RTM_NEWLINK, 8, IFF_UP, "", 16);
        link_msg(&r, RTM_NEWLINK, 9, IFF_UP, "vcan3", 16);
        CHECK(parse_links(&r, r.len, &s) == 1 && s.n == 1 && s.ev[0].ifindex == 9);
}

static void test_long_name_without_nul_is_cut(void)
{
        struct reply r = {0};
        struct seen s;
        const char name[] = "abcdefghijklmnopqrstuvwxyz"; /* sent without its NUL */
        struct ifinfomsg ifi = {.ifi_index = 3};

        msg_begin(&r, RTM_NEWLINK);
        put(&r, &ifi, sizeof(ifi));
        attr(&r, IFLA_IFNAME, name, sizeof(name) - 1);
        CHECK(parse_links(&r, r.len, &s) == 1 && strcmp(s.ev[0].name, "abcdefghijklmno") == 0);
}

static void test_message_longer_than_received(void)
{
        struct reply r = {0};
        struct seen s;

        link_msg(&r, RTM_NEWLINK, 1, IFF_UP, "can0", 16);
        size_t second = r.len;
        link_msg(&r, RTM_NEWLINK, 2, IFF_UP, "can1", 16);
        /* The datagram ends inside the second message: the first is an event, the walk stops. */
        CHECK(parse_links(&r, r.len - 4, &s) == -EBADMSG && s.n == 1 && s.ev[0].ifindex == 1);
        /* A header that claims more than the buffer holds. */
        set_u32(&r, second, (uint32_t)(r.len - second + 64));
        CHECK(parse_links(&r, r.len, &s) == -EBADMSG && s.n == 1);
        /* A header shorter than itself would walk in place (or backwards). */
        set_u32(&r, second, 4);
        CHECK(parse_links(&r, r.len, &s) == -EBADMSG && s.n == 1);
        /* Fewer bytes than a header at the end. */
        CHECK(parse_links(&r, second + 8, &s) == -EBADMSG && s.n == 1);
}

static void test_unaligned_last_message(void)
{
        struct reply r = {0};
        struct seen s;

        link_msg(&r, RTM_NEWLINK, 1, IFF_UP, "can0", 0);
        /* The name's attribute is 9 bytes ("can0" with NUL, padded to 12): say the message ends
         * at the attribute's end and the datagram too, 3 bytes short of alignment. The old walk
         * took the remaining length, -3, for a huge unsigned one and read on past the datagram. */
        size_t len = r.len - 3;
        set_u32(&r, 0, (uint32_t)len);
        /* Past the datagram, bytes of an earlier one (the receive buffer is reused): they must
         * not be read. */
        link_msg(&r, RTM_NEWLINK, 2, IFF_UP, "stale0", 16);
        CHECK(parse_links(&r, len, &s) == 1 && s.n == 1 && strcmp(s.ev[0].name, "can0") == 0);
}

static void test_payload_shorter_than_ifinfomsg(void)
{
        struct reply r = {0};
        struct seen s;
        unsigned char half[8] = {0};

        msg_begin(&r, RTM_NEWLINK);
        put(&r, half, sizeof(half));
        link_msg(&r, RTM_NEWLINK, 5, 0, "can5", 16);
        CHECK(parse_links(&r, r.len, &s) == 1 && s.n == 1 && s.ev[0].ifindex == 5);
}

static void test_attribute_longer_than_message(void)
{
        struct reply r = {0};
        struct seen s;

        link_msg(&r, RTM_NEWLINK, 1, IFF_UP, "can0", 16);
        size_t second = r.len;
        link_msg(&r, RTM_NEWLINK, 2, IFF_UP, "can1", 16);
        /* The first attribute of the second message (its name) claims 200 bytes: the rest of the
         * message's attributes cannot be found, so no name, no event; the next message is read. */
        size_t a = second + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ifinfomsg));
        unsigned short big = 200;
        memcpy(r.b + a, &big, sizeof(big));
        link_msg(&r, RTM_NEWLINK, 3, IFF_UP, "can3", 16);
        CHECK(parse_links(&r, r.len, &s) == 2 && s.n == 2 && s.ev[0].ifindex == 1 &&
              s.ev[1].ifindex == 3);
        /* An MTU attribute too short for the value is ignored. */
        struct reply m = {0};
        struct ifinfomsg ifi = {.ifi_index = 4};
        uint16_t short_mtu = 72;
        msg_begin(&m, RTM_NEWLINK);
        put(&m, &ifi, sizeof(ifi));
        attr(&m, IFLA_IFNAME, "can4", 5);
        attr(&m, IFLA_MTU, &short_mtu, sizeof(short_mtu));
        CHECK(parse_links(&m, m.len, &s) == 1 && s.ev[0].mtu == 0);
}

static int parse_stats(const struct reply *r, size_t len, struct seen *s, bool *done)
{
        memset(s, 0, sizeof(*s));
        return canring_nl_parse_stats(r->b, len, on_stats, s, done);
}

static void test_stats_dump(void)
{
        struct reply r = {0};
        struct seen s;
        bool done;

        stats_msg(&r, 4, 1000, 3);
        stats_msg(&r, 5, 2000, 0);
        CHECK(parse_stats(&r, r.len, &s, &done) == 2 && !done && s.n == 2);
        CHECK(s.ifindex[0] == 4 && s.st[0].rx_packets == 1000 && s.st[0].rx_dropped == 3);
        CHECK(s.ifindex[1] == 5 && s.st[1].rx_packets == 2000);
        done_msg(&r);
        stats_msg(&r, 6, 1, 1); /* after DONE: not read */
        CHECK(parse_stats(&r, r.len, &s, &done) == 2 && done && s.n == 2);
}

static void test_stats_short_attribute(void)
{
        struct reply r = {0};
        struct seen s;
        bool done;
        struct if_stats_msg ism = {.ifindex = 4};
        uint64_t only_one = 5;

        msg_begin(&r, RTM_NEWSTATS);
        put(&r, &ism, sizeof(ism));
        attr(&r, IFLA_STATS_LINK_64, &only_one, sizeof(only_one));
        msg_begin(&r, RTM_NEWSTATS); /* no if_stats_msg at all */
        stats_msg(&r, 7, 9, 0);
        CHECK(parse_stats(&r, r.len, &s, &done) == 1 && s.n == 1 && s.ifindex[0] == 7);
}

static void test_stats_errors(void)
{
        struct reply r = {0};
        struct seen s;
        bool done;
        int error = -EPERM;

        stats_msg(&r, 4, 1, 0);
        msg_begin(&r, NLMSG_ERROR);
        put(&r, &error, sizeof(error));
        CHECK(parse_stats(&r, r.len, &s, &done) == -EPERM && !done && s.n == 1);

        struct reply e = {0};
        msg_begin(&e, NLMSG_ERROR); /* too short to say which error */
        CHECK(parse_stats(&e, e.len, &s, &done) == -EIO);
        struct reply a = {0};
        error = 0;
        msg_begin(&a, NLMSG_ERROR); /* an acknowledgement: a dump has none */
        put(&a, &error, sizeof(error));
        CHECK(parse_stats(&a, a.len, &s, &done) == -EIO);

        struct reply t = {0};
        stats_msg(&t, 4, 1, 0);
        CHECK(parse_stats(&t, t.len - 1, &s, &done) == -EBADMSG && s.n == 0);
}

int main(void)
{
        test_links_as_the_kernel_sends_them();
        test_link_without_a_name_is_no_event();
        test_long_name_without_nul_is_cut();
        test_message_longer_than_received();
        test_unaligned_last_message();
        test_payload_shorter_than_ifinfomsg();
        test_attribute_longer_than_message();
        test_stats_dump();
        test_stats_short_attribute();
        test_stats_errors();
        if (failures)
                fprintf(stderr, "%d check(s) failed\n", failures);
        return failures ? 1 : 0;
}
