/* SPDX-License-Identifier: MIT */
/* Opening and configuring one CAN_RAW socket for a channel. */
#define _GNU_SOURCE
#include "engine_channel.h"

#include <errno.h>
#include <linux/can/raw.h>
#include <net/if_arp.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *chan_name(const struct engine_channel_config *cfg)
{
        if (cfg->name)
                return cfg->name;
        return cfg->ifname ? cfg->ifname : "?";
}

__attribute__((format(printf, 5, 6))) static int fail(const struct engine_channel_config *cfg,
                                                      int ret, char *err, size_t errlen,
                                                      const char *fmt, ...)
{
        va_list ap;
        int n = 0;

        if (errlen) {
                n = snprintf(err, errlen, "channel '%s': ", chan_name(cfg));
                if (n < 0 || (size_t)n >= errlen)
                        return ret;
                va_start(ap, fmt);
                vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
                va_end(ap);
        }
        return ret;
}

/* Interface ioctls (SIOCGIFHWADDR, SIOCGIFMTU) work on any socket; an AF_UNIX one exists on every
 * kernel, CAN or not. */
static int if_ioctl(unsigned long req, struct ifreq *ifr)
{
        int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (s < 0)
                return -errno;
        int ret = ioctl(s, req, ifr) ? -errno : 0;
        close(s);
        return ret;
}

int engine_channel_validate(const struct engine_channel_config *cfg,
                            struct engine_channel_info *info, char *err, size_t errlen)
{
        struct ifreq ifr;
        int ret;

        memset(info, 0, sizeof(*info));
        if (errlen)
                err[0] = '\0';
        if (!cfg->ifname || !cfg->ifname[0])
                return fail(cfg, -EINVAL, err, errlen, "no interface name given");
        size_t len = strlen(cfg->ifname);
        if (len >= IFNAMSIZ)
                return fail(cfg, -ENAMETOOLONG, err, errlen,
                            "interface name '%.40s%s' is %zu characters long; at most %d allowed",
                            cfg->ifname, len > 40 ? "..." : "", len, IFNAMSIZ - 1);
        if (cfg->set_filters && cfg->nfilters > CAN_RAW_FILTER_MAX)
                return fail(cfg, -EINVAL, err, errlen, "%u filters given; at most %d allowed",
                            cfg->nfilters, CAN_RAW_FILTER_MAX);
        if (cfg->set_filters && cfg->nfilters && !cfg->filters)
                return fail(cfg, -EINVAL, err, errlen, "%u filters announced but none given",
                            cfg->nfilters);
        if (cfg->rcvbuf < 0)
                return fail(cfg, -EINVAL, err, errlen, "negative receive buffer size %d",
                            cfg->rcvbuf);
        if (strcmp(cfg->ifname, ENGINE_CHANNEL_ANY) == 0)
                return 0; /* ifindex 0: every CAN interface, each checked by the kernel */

        unsigned idx = if_nametoindex(cfg->ifname);
        if (!idx)
                return fail(cfg, -ENODEV, err, errlen, "no network interface named '%s'",
                            cfg->ifname);
        info->ifindex = (int)idx;

        memset(&ifr, 0, sizeof(ifr));
        memcpy(ifr.ifr_name, cfg->ifname, len + 1);
        ret = if_ioctl(SIOCGIFHWADDR, &ifr);
        if (ret)
                return fail(cfg, ret, err, errlen, "cannot read the link type of '%s': %s",
                            cfg->ifname, strerror(-ret));
        if (ifr.ifr_hwaddr.sa_family != ARPHRD_CAN)
                return fail(cfg, -EPROTOTYPE, err, errlen,
                            "'%s' is not a CAN interface (link type %u, CAN is %u)", cfg->ifname,
                            ifr.ifr_hwaddr.sa_family, ARPHRD_CAN);

        memset(&ifr, 0, sizeof(ifr));
        memcpy(ifr.ifr_name, cfg->ifname, len + 1);
        ret = if_ioctl(SIOCGIFMTU, &ifr);
        if (ret)
                return fail(cfg, ret, err, errlen, "cannot read the MTU of '%s': %s", cfg->ifname,
                            strerror(-ret));
        info->mtu = ifr.ifr_mtu;
        /* CAN XL interfaces have a larger MTU and carry FD frames too. */
        if (cfg->fd && info->mtu < (int)CANFD_MTU)
                return fail(cfg, -EOPNOTSUPP, err, errlen,
                            "CAN FD asked for but '%s' has MTU %d (classic CAN only); "
                            "an FD interface has MTU %d (ip link set %s mtu %d)",
                            cfg->ifname, info->mtu, (int)CANFD_MTU, cfg->ifname, (int)CANFD_MTU);
        return 0;
}

static int set_opt(int s, int level, int opt, const void *val, socklen_t len)
{
        return setsockopt(s, level, opt, val, len) ? -errno : 0;
}

static void warn(struct engine_channel_info *info, const char *fmt, const char *a, const char *b)
{
        size_t n = strlen(info->warning);
        if (n + 2 < sizeof(info->warning)) {
                if (n)
                        info->warning[n++] = ';', info->warning[n++] = ' ';
                snprintf(info->warning + n, sizeof(info->warning) - n, fmt, a, b);
        }
}

/* Hardware stamping is switched on per device; a driver without it is not an error, because the
 * software stamp is always there. */
static void enable_hw_stamps(int s, const struct engine_channel_config *cfg,
                             struct engine_channel_info *info)
{
        struct hwtstamp_config hw = {
            .flags = 0, .tx_type = HWTSTAMP_TX_OFF, .rx_filter = HWTSTAMP_FILTER_ALL};
        struct ifreq ifr;

        if (!info->ifindex) {
                warn(info, "hardware timestamps not enabled on '%s'%s: enable them per interface",
                     cfg->ifname, "");
                return;
        }
        memset(&ifr, 0, sizeof(ifr));
        snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", cfg->ifname);
        ifr.ifr_data = (void *)&hw;
        if (ioctl(s, SIOCSHWTSTAMP, &ifr) == 0) {
                info->hw_timestamps = true;
                return;
        }
        warn(info, "hardware timestamps unavailable on '%s': %s", cfg->ifname, strerror(errno));
}

int engine_channel_open(void *ctx, const struct engine_channel_config *cfg,
                        struct engine_channel_info *info, char *err, size_t errlen)
{
        const int one = 1, zero = 0;
        const char *what;
        int s, ret;

        (void)ctx;
        ret = engine_channel_validate(cfg, info, err, errlen);
        if (ret)
                return ret;
        s = socket(PF_CAN, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, CAN_RAW);
        if (s < 0) {
                ret = -errno;
                return fail(cfg, ret, err, errlen,
                            "cannot open a CAN_RAW socket: %s (is the can-raw module loaded?)",
                            strerror(errno));
        }

        /* Filters go in before bind so no unfiltered frame is ever queued. */
        what = "CAN_RAW_FILTER";
        if (cfg->set_filters &&
            (ret = set_opt(s, SOL_CAN_RAW, CAN_RAW_FILTER, cfg->nfilters ? cfg->filters : NULL,
                           (socklen_t)(cfg->nfilters * sizeof(struct can_filter)))))
                goto err;
        what = "CAN_RAW_JOIN_FILTERS";
        if (cfg->join_filters &&
            (ret = set_opt(s, SOL_CAN_RAW, CAN_RAW_JOIN_FILTERS, &one, sizeof(one))))
                goto err;
        what = "CAN_RAW_ERR_FILTER";
        if (cfg->err_mask && (ret = set_opt(s, SOL_CAN_RAW, CAN_RAW_ERR_FILTER, &cfg->err_mask,
                                            sizeof(cfg->err_mask))))
                goto err;
        what = "CAN_RAW_FD_FRAMES";
        if (cfg->fd && (ret = set_opt(s, SOL_CAN_RAW, CAN_RAW_FD_FRAMES, &one, sizeof(one))))
                goto err;
        what = "CAN_RAW_RECV_OWN_MSGS";
        if (cfg->recv_own_msgs &&
            (ret = set_opt(s, SOL_CAN_RAW, CAN_RAW_RECV_OWN_MSGS, &one, sizeof(one))))
                goto err;
        what = "CAN_RAW_LOOPBACK";
        if (cfg->no_loopback &&
            (ret = set_opt(s, SOL_CAN_RAW, CAN_RAW_LOOPBACK, &zero, sizeof(zero))))
                goto err;
        what = "SO_RXQ_OVFL";
        if ((ret = set_opt(s, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one))))
                goto err;
        if (cfg->hw_timestamps) {
                /* ts[0] gives the software stamp too, so SO_TIMESTAMPNS is not needed as well. */
                int flags = SOF_TIMESTAMPING_RX_HARDWARE | SOF_TIMESTAMPING_RAW_HARDWARE |
                            SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
                what = "SO_TIMESTAMPING";
                if ((ret = set_opt(s, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags))))
                        goto err;
                enable_hw_stamps(s, cfg, info);
        } else {
                what = "SO_TIMESTAMPNS";
                if ((ret = set_opt(s, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one))))
                        goto err;
        }
        if (cfg->rcvbuf > 0) {
                /* FORCE passes net.core.rmem_max but needs CAP_NET_ADMIN; plain SO_RCVBUF is
                 * clamped to rmem_max. Either way the granted size is read back below. */
                if (set_opt(s, SOL_SOCKET, SO_RCVBUFFORCE, &cfg->rcvbuf, sizeof(cfg->rcvbuf)) ==
                    0) {
                        info->rcvbuf_forced = true;
                } else {
                        what = "SO_RCVBUF";
                        if ((ret = set_opt(s, SOL_SOCKET, SO_RCVBUF, &cfg->rcvbuf,
                                           sizeof(cfg->rcvbuf))))
                                goto err;
                }
        }
        socklen_t olen = sizeof(info->rcvbuf);
        what = "getsockopt SO_RCVBUF";
        if (getsockopt(s, SOL_SOCKET, SO_RCVBUF, &info->rcvbuf, &olen)) {
                ret = -errno;
                goto err;
        }
        if (cfg->rcvbuf > 0 && info->rcvbuf < cfg->rcvbuf)
                warn(info,
                     "receive buffer of '%s' is smaller than asked%s (raise net.core.rmem_max "
                     "or grant CAP_NET_ADMIN)",
                     cfg->ifname, "");

        struct sockaddr_can addr;
        memset(&addr, 0, sizeof(addr));
        addr.can_family = AF_CAN;
        addr.can_ifindex = info->ifindex;
        what = "bind";
        if (bind(s, (struct sockaddr *)&addr, sizeof(addr))) {
                ret = -errno;
                goto err;
        }
        return s;
err:
        close(s);
        return fail(cfg, ret, err, errlen, "%s failed: %s", what, strerror(-ret));
}
