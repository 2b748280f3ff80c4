/* SPDX-License-Identifier: MIT */
/*
 * CAN interface control: read one interface, check and apply bit timing / restart-ms, up/down,
 * restart. Changes go through libsocketcan; the data-phase bitrate (CAN FD), which
 * libsocketcan 0.0.12 cannot set, goes over rtnetlink in one message together with the FD
 * control mode and the nominal bitrate, as `ip link set ... type can bitrate B dbitrate D fd on`
 * does: the kernel only accepts a data bit timing on an interface in FD mode.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <libsocketcan.h>

#include "canring/ifctl.h"
#include "ifctl_priv.h"
#include "nl_walk.h"

struct find_arg {
        const char *name;
        struct canring_ifinfo *info;
        bool found;
};

static int find_cb(const struct canring_ifinfo *info, void *arg)
{
        struct find_arg *f = arg;
        if (strcmp(info->name, f->name) == 0) {
                *f->info = *info;
                f->found = true;
        }
        return 0;
}

/* libsocketcan returns -1; the cause is in errno when its netlink code saw one. */
static int lsc_errno(void)
{
        return errno ? -errno : -EIO;
}

int canring_if_get(const char *name, struct canring_ifinfo *info, char *err, size_t errlen)
{
        struct find_arg f = {.name = name, .info = info};
        int ifindex;
        uint32_t mtu;

        int ret = canring__can_lookup(name, &ifindex, &mtu, err, errlen);
        if (ret < 0)
                return ret;
        ret = canring__if_dump(find_cb, &f);
        if (ret < 0)
                return canring__err(err, errlen, ret, "rtnetlink link dump: %s", strerror(-ret));
        if (!f.found)
                return canring__err(err, errlen, -ENODEV, "%s: no such interface", name);
        if (!info->has_bittiming)
                return 0;
        /*
         * For a controller, the values `canring if IF show` prints come from libsocketcan, the
         * project's interface-control library; the dump's values stay where it has no getter
         * (data bitrate) or where the driver does not implement one (error counters).
         */
        struct can_bittiming bt;
        struct can_berr_counter bc;
        struct can_ctrlmode cm;
        struct can_clock clk;
        struct can_device_stats st;
        int state;
        __u32 rms;
        /* libsocketcan prints to stderr when an attribute is absent: ask only for present ones. */
        if (info->bitrate && can_get_bittiming(name, &bt) == 0) {
                info->bitrate = bt.bitrate;
                info->sample_point = bt.sample_point;
        }
        if (can_get_state(name, &state) == 0)
                info->state = state;
        if (info->has_berr && can_get_berr_counter(name, &bc) == 0) {
                info->txerr = bc.txerr;
                info->rxerr = bc.rxerr;
                info->has_berr = true;
        }
        if (can_get_restart_ms(name, &rms) == 0)
                info->restart_ms = rms;
        if (can_get_ctrlmode(name, &cm) == 0)
                info->ctrlmode = cm.flags;
        if (info->clock_hz && can_get_clock(name, &clk) == 0)
                info->clock_hz = clk.freq;
        if (info->has_stats && can_get_device_stats(name, &st) == 0) {
                info->stats = st;
                info->has_stats = true;
        }
        return 0;
}

int canring_if_check_config(const struct canring_ifinfo *info, const struct canring_if_config *cfg,
                            char *err, size_t errlen)
{
        const uint32_t timing = CANRING_IF_SET_BITRATE | CANRING_IF_SET_SAMPLE_POINT |
                                CANRING_IF_SET_DBITRATE | CANRING_IF_SET_DSAMPLE_POINT;
        const uint32_t all = timing | CANRING_IF_SET_RESTART_MS;

        if (!(cfg->set & all) || (cfg->set & ~all))
                return canring__err(err, errlen, -EINVAL, "%s: nothing to set", info->name);
        if (!info->has_bittiming) {
                bool virt = strcmp(info->kind, "vcan") == 0 || strcmp(info->kind, "vxcan") == 0;
                return canring__err(err, errlen, -EOPNOTSUPP, "%s has no %s (%s)", info->name,
                                    (cfg->set & timing) ? "bit timing" : "restart-ms",
                                    virt ? "virtual interface"
                                         : "its driver offers no CAN netlink settings");
        }
        if ((cfg->set & CANRING_IF_SET_SAMPLE_POINT) && !(cfg->set & CANRING_IF_SET_BITRATE))
                return canring__err(err, errlen, -EINVAL, "sample-point needs a bitrate");
        if ((cfg->set & CANRING_IF_SET_DSAMPLE_POINT) && !(cfg->set & CANRING_IF_SET_DBITRATE))
                return canring__err(err, errlen, -EINVAL, "dsample-point needs a dbitrate");
        if ((cfg->set & CANRING_IF_SET_BITRATE) && cfg->bitrate == 0)
                return canring__err(err, errlen, -EINVAL, "bitrate must be greater than 0");
        if ((cfg->set & CANRING_IF_SET_DBITRATE) && cfg->dbitrate == 0)
                return canring__err(err, errlen, -EINVAL, "dbitrate must be greater than 0");
        if ((cfg->set & CANRING_IF_SET_DBITRATE) && !(cfg->set & CANRING_IF_SET_BITRATE) &&
            info->bitrate == 0)
                return canring__err(err, errlen, -EINVAL,
                                    "%s has no bitrate yet: give bitrate with dbitrate",
                                    info->name);
        if ((cfg->set & CANRING_IF_SET_SAMPLE_POINT) &&
            (cfg->sample_point == 0 || cfg->sample_point >= 1000))
                return canring__err(err, errlen, -EINVAL,
                                    "sample-point must lie between 0 and 1 (exclusive)");
        if ((cfg->set & CANRING_IF_SET_DSAMPLE_POINT) &&
            (cfg->dsample_point == 0 || cfg->dsample_point >= 1000))
                return canring__err(err, errlen, -EINVAL,
                                    "dsample-point must lie between 0 and 1 (exclusive)");
        /* The kernel refuses both while the interface is up (can_changelink: -EBUSY). */
        if (info->up)
                return canring__err(err, errlen, -EBUSY,
                                    "%s is up: %s can only change while it is down "
                                    "(canring if %s down)",
                                    info->name, (cfg->set & timing) ? "bit timing" : "restart-ms",
                                    info->name);
        return 0;
}

static void nl_put(struct nlmsghdr *nh, unsigned short type, const void *data, size_t len)
{
        struct rtattr *a = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));
        a->rta_type = type;
        a->rta_len = (unsigned short)RTA_LENGTH(len);
        if (len)
                memcpy(RTA_DATA(a), data, len);
        nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static struct rtattr *nl_nest(struct nlmsghdr *nh, unsigned short type)
{
        struct rtattr *a = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));
        nl_put(nh, type, NULL, 0);
        return a;
}

static void nl_nest_end(struct nlmsghdr *nh, struct rtattr *a)
{
        a->rta_len = (unsigned short)((char *)nh + nh->nlmsg_len - (char *)a);
}

/* Sets FD mode, the nominal (if given) and the data bit timing in one RTM_NEWLINK. */
static int set_fd_timing(int ifindex, const struct canring_if_config *cfg)
{
        union {
                struct nlmsghdr nh;
                char buf[512];
        } req;
        char reply[1024];
        struct sockaddr_nl sa = {.nl_family = AF_NETLINK};

        memset(&req, 0, sizeof(req));
        req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
        req.nh.nlmsg_type = RTM_NEWLINK;
        req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
        req.nh.nlmsg_seq = 1;
        struct ifinfomsg *ifi = NLMSG_DATA(&req.nh);
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = ifindex;
        struct rtattr *li = nl_nest(&req.nh, IFLA_LINKINFO);
        nl_put(&req.nh, IFLA_INFO_KIND, "can", 4);
        struct rtattr *data = nl_nest(&req.nh, IFLA_INFO_DATA);
        struct can_ctrlmode cm = {.mask = CAN_CTRLMODE_FD, .flags = CAN_CTRLMODE_FD};
        nl_put(&req.nh, IFLA_CAN_CTRLMODE, &cm, sizeof(cm));
        if (cfg->set & CANRING_IF_SET_BITRATE) {
                struct can_bittiming bt = {.bitrate = cfg->bitrate};
                if (cfg->set & CANRING_IF_SET_SAMPLE_POINT)
                        bt.sample_point = cfg->sample_point;
                nl_put(&req.nh, IFLA_CAN_BITTIMING, &bt, sizeof(bt));
        }
        struct can_bittiming dbt = {.bitrate = cfg->dbitrate};
        if (cfg->set & CANRING_IF_SET_DSAMPLE_POINT)
                dbt.sample_point = cfg->dsample_point;
        nl_put(&req.nh, IFLA_CAN_DATA_BITTIMING, &dbt, sizeof(dbt));
        nl_nest_end(&req.nh, data);
        nl_nest_end(&req.nh, li);

        int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (s < 0)
                return -errno;
        int ret = 0;
        if (sendto(s, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                ret = -errno;
                goto out;
        }
        for (;;) {
                ssize_t n = recv(s, reply, sizeof(reply), 0);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        ret = -errno;
                        goto out;
                }
                struct canring__nl_msg msg;
                size_t off = 0;
                int more;
                while ((more = canring__nl_msg_next(reply, (size_t)n, &off, &msg)) > 0) {
                        if (msg.nh.nlmsg_type == NLMSG_ERROR) {
                                ret = canring__nl_error(&msg); /* 0: the acknowledgement */
                                goto out;
                        }
                }
                if (more < 0) {
                        ret = more;
                        goto out;
                }
        }
out:
        close(s);
        return ret;
}

int canring_if_configure(const char *name, const struct canring_if_config *cfg, char *err,
                         size_t errlen)
{
        struct canring_ifinfo info;
        int ret = canring_if_get(name, &info, err, errlen);
        if (ret < 0)
                return ret;
        ret = canring_if_check_config(&info, cfg, err, errlen);
        if (ret < 0)
                return ret;
        if (cfg->set & CANRING_IF_SET_DBITRATE) {
                ret = set_fd_timing(info.ifindex, cfg);
                if (ret == -EOPNOTSUPP)
                        return canring__err(err, errlen, ret,
                                            "%s does not support CAN FD (no data bitrate)", name);
                if (ret < 0)
                        return canring__err(err, errlen, ret, "%s: setting bitrate/dbitrate: %s",
                                            name, strerror(-ret));
        } else if (cfg->set & CANRING_IF_SET_BITRATE) {
                errno = 0;
                if (cfg->set & CANRING_IF_SET_SAMPLE_POINT)
                        ret = can_set_bitrate_samplepoint(name, cfg->bitrate, cfg->sample_point);
                else
                        ret = can_set_bitrate(name, cfg->bitrate);
                if (ret < 0) {
                        ret = lsc_errno();
                        return canring__err(err, errlen, ret,
                                            "%s: bitrate %u not accepted: %s (a bitrate the "
                                            "controller's clock cannot make, or no permission)",
                                            name, cfg->bitrate, strerror(-ret));
                }
        }
        if (cfg->set & CANRING_IF_SET_RESTART_MS) {
                errno = 0;
                if (can_set_restart_ms(name, cfg->restart_ms) < 0) {
                        ret = lsc_errno();
                        return canring__err(
                            err, errlen, ret, "%s: restart-ms %u not accepted: %s%s", name,
                            cfg->restart_ms, strerror(-ret),
                            (cfg->set & ~CANRING_IF_SET_RESTART_MS) ? " (the bit timing was set)"
                                                                    : "");
                }
        }
        return 0;
}

/* Up/down for interfaces without a controller: the plain interface flags. */
static int set_flags_up(const char *name, bool up)
{
        struct ifreq ifr;
        int ret = 0;
        int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (s < 0)
                return -errno;
        memset(&ifr, 0, sizeof(ifr));
        memcpy(ifr.ifr_name, name, strlen(name));
        if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
                ret = -errno;
                goto out;
        }
        if (up)
                ifr.ifr_flags |= IFF_UP;
        else
                ifr.ifr_flags &= ~IFF_UP;
        if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
                ret = -errno;
out:
        close(s);
        return ret;
}

int canring_if_set_up(const char *name, bool up, char *err, size_t errlen)
{
        struct canring_ifinfo info;
        int ret = canring_if_get(name, &info, err, errlen);
        if (ret < 0)
                return ret;
        if (!info.has_bittiming) {
                ret = set_flags_up(name, up);
        } else {
                if (up && info.bitrate == 0)
                        return canring__err(err, errlen, -EINVAL,
                                            "%s has no bitrate: set one first (canring if %s set "
                                            "bitrate N)",
                                            name, name);
                errno = 0;
                ret = (up ? can_do_start(name) : can_do_stop(name)) < 0 ? lsc_errno() : 0;
        }
        if (ret < 0)
                return canring__err(err, errlen, ret, "%s: bringing it %s: %s", name,
                                    up ? "up" : "down", strerror(-ret));
        return 0;
}

int canring_if_restart(const char *name, char *err, size_t errlen)
{
        struct canring_ifinfo info;
        int ret = canring_if_get(name, &info, err, errlen);
        if (ret < 0)
                return ret;
        if (!info.has_bittiming)
                return canring__err(err, errlen, -EOPNOTSUPP,
                                    "%s has no controller to restart (virtual interface)", name);
        if (!info.up)
                return canring__err(err, errlen, -ENETDOWN, "%s is down", name);
        if (info.state != CAN_STATE_BUS_OFF)
                return canring__err(err, errlen, -EBUSY,
                                    "%s is %s: only a bus-off controller can be restarted", name,
                                    canring_if_state_name(info.state));
        errno = 0;
        if (can_do_restart(name) < 0) {
                ret = lsc_errno();
                return canring__err(err, errlen, ret, "%s: restart: %s%s", name, strerror(-ret),
                                    info.restart_ms ? " (restart-ms is set: the kernel restarts it)"
                                                    : "");
        }
        return 0;
}

int canring_if_apply(const char *name, const struct canring_if_config *cfg, bool down_first,
                     bool up_last, char *err, size_t errlen)
{
        struct canring_ifinfo info;
        int rc = canring_if_get(name, &info, err, errlen);

        if (rc < 0)
                return rc;
        if (cfg->set) {
                /* Checked against the state the interface will have when the settings apply. */
                if (down_first)
                        info.up = false;
                rc = canring_if_check_config(&info, cfg, err, errlen);
                if (rc < 0)
                        return rc;
        }
        if (down_first && (rc = canring_if_set_up(name, false, err, errlen)) < 0)
                return rc;
        if (cfg->set && (rc = canring_if_configure(name, cfg, err, errlen)) < 0)
                return rc;
        if (up_last && (rc = canring_if_set_up(name, true, err, errlen)) < 0)
                return rc;
        return 0;
}
