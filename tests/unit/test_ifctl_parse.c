/* SPDX-License-Identifier: MIT */
/* Parsing RTM_NEWLINK messages into canring_ifinfo: hand-built messages for can, vcan, eth. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <linux/can.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "canring/ifctl.h"
#include "../../api/src/ifctl_priv.h"

static int failures;
#define CHECK(c)                                                                                   \
        do {                                                                                       \
                if (!(c)) {                                                                        \
                        fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);                    \
                        failures++;                                                                \
                }                                                                                  \
        } while (0)

static union {
        struct nlmsghdr nh;
        char b[4096];
} m;

static void start(unsigned short type, int index, unsigned flags)
{
        memset(&m, 0, sizeof(m));
        m.nh.nlmsg_type = RTM_NEWLINK;
        m.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
        struct ifinfomsg *ifi = NLMSG_DATA(&m.nh);
        ifi->ifi_type = type;
        ifi->ifi_index = index;
        ifi->ifi_flags = flags;
}

static struct rtattr *put(unsigned short type, const void *data, size_t len)
{
        struct rtattr *a = (struct rtattr *)(m.b + NLMSG_ALIGN(m.nh.nlmsg_len));
        a->rta_type = type;
        a->rta_len = (unsigned short)RTA_LENGTH(len);
        if (len)
                memcpy(RTA_DATA(a), data, len);
        m.nh.nlmsg_len = NLMSG_ALIGN(m.nh.nlmsg_len) + RTA_ALIGN(a->rta_len);
        return a;
}

static void end(struct rtattr *nest)
{
        nest->rta_len = (unsigned short)(m.b + m.nh.nlmsg_len - (char *)nest);
}

int main(void)
{
        struct canring_ifinfo info;
        uint32_t u;

        /* A controller: can0, up, bitrate, data bitrate, state, berr, restart-ms, stats. */
        start(ARPHRD_CAN, 5, IFF_UP | IFF_RUNNING);
        put(IFLA_IFNAME, "can0", 5);
        u = CAN_MTU;
        put(IFLA_MTU, &u, 4);
        struct rtattr *li = put(IFLA_LINKINFO, NULL, 0);
        put(IFLA_INFO_KIND, "can", 4);
        struct rtattr *data = put(IFLA_INFO_DATA, NULL, 0);
        struct can_bittiming bt = {.bitrate = 250000, .sample_point = 875};
        put(IFLA_CAN_BITTIMING, &bt, sizeof(bt));
        struct can_bittiming dbt = {.bitrate = 2000000, .sample_point = 750};
        put(IFLA_CAN_DATA_BITTIMING, &dbt, sizeof(dbt));
        u = CAN_STATE_ERROR_PASSIVE;
        put(IFLA_CAN_STATE, &u, 4);
        u = 100;
        put(IFLA_CAN_RESTART_MS, &u, 4);
        struct can_berr_counter bc = {.txerr = 128, .rxerr = 7};
        put(IFLA_CAN_BERR_COUNTER, &bc, sizeof(bc));
        struct can_ctrlmode cm = {.mask = 0, .flags = CAN_CTRLMODE_FD};
        put(IFLA_CAN_CTRLMODE, &cm, sizeof(cm));
        struct can_clock clk = {.freq = 8000000};
        put(IFLA_CAN_CLOCK, &clk, sizeof(clk));
        end(data);
        struct can_device_stats st = {.bus_error = 3, .bus_off = 1, .restarts = 2};
        put(IFLA_INFO_XSTATS, &st, sizeof(st));
        end(li);
        CHECK(canring__if_parse_link(&m.nh, &info) == 1);
        CHECK(strcmp(info.name, "can0") == 0 && strcmp(info.kind, "can") == 0);
        CHECK(info.ifindex == 5 && info.up && info.running && info.mtu == CAN_MTU);
        CHECK(info.has_bittiming && info.bitrate == 250000 && info.sample_point == 875);
        CHECK(info.dbitrate == 2000000 && info.dsample_point == 750);
        CHECK(info.state == CAN_STATE_ERROR_PASSIVE && info.restart_ms == 100);
        CHECK(info.has_berr && info.txerr == 128 && info.rxerr == 7);
        CHECK(info.ctrlmode == CAN_CTRLMODE_FD && info.clock_hz == 8000000);
        CHECK(info.has_stats && info.stats.bus_error == 3 && info.stats.bus_off == 1 &&
              info.stats.restarts == 2);

        /* vcan: kind only, FD MTU, down; no CAN data even if some were present */
        start(ARPHRD_CAN, 7, 0);
        put(IFLA_IFNAME, "vcan1", 6);
        u = CANFD_MTU;
        put(IFLA_MTU, &u, 4);
        li = put(IFLA_LINKINFO, NULL, 0);
        put(IFLA_INFO_KIND, "vcan", 5);
        end(li);
        CHECK(canring__if_parse_link(&m.nh, &info) == 1);
        CHECK(strcmp(info.kind, "vcan") == 0 && !info.up && info.mtu == CANFD_MTU);
        CHECK(!info.has_bittiming && !info.has_berr && info.state == -1 && info.bitrate == 0);

        /* a CAN interface without link info (slcan): no kind */
        start(ARPHRD_CAN, 8, IFF_UP);
        put(IFLA_IFNAME, "slcan0", 7);
        CHECK(canring__if_parse_link(&m.nh, &info) == 1);
        CHECK(info.kind[0] == '\0' && !info.has_bittiming);

        /* a short (older-kernel) attribute is ignored rather than over-read */
        start(ARPHRD_CAN, 9, 0);
        put(IFLA_IFNAME, "can1", 5);
        li = put(IFLA_LINKINFO, NULL, 0);
        put(IFLA_INFO_KIND, "can", 4);
        data = put(IFLA_INFO_DATA, NULL, 0);
        put(IFLA_CAN_BITTIMING, &bt, 4);
        end(data);
        end(li);
        CHECK(canring__if_parse_link(&m.nh, &info) == 1 && info.has_bittiming && info.bitrate == 0);

        /* Ethernet is not CAN; a CAN link without a name and a non-NEWLINK message are errors */
        start(ARPHRD_ETHER, 2, IFF_UP);
        put(IFLA_IFNAME, "eth0", 5);
        CHECK(canring__if_parse_link(&m.nh, &info) == 0);
        start(ARPHRD_CAN, 3, 0);
        CHECK(canring__if_parse_link(&m.nh, &info) == -EINVAL);
        m.nh.nlmsg_type = RTM_DELLINK;
        CHECK(canring__if_parse_link(&m.nh, &info) == -EINVAL);

        return failures ? 1 : 0;
}
