/* SPDX-License-Identifier: MIT */
/* Interface lookup and error-message helpers shared by the transmit and interface-control code. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "ifctl_priv.h"

int canring__err(char *err, size_t errlen, int ret, const char *fmt, ...)
{
        if (err && errlen) {
                va_list ap;
                va_start(ap, fmt);
                vsnprintf(err, errlen, fmt, ap);
                va_end(ap);
        }
        return ret;
}

int canring__can_socket_err(int e, const char *what, char *err, size_t errlen)
{
        if (e == EAFNOSUPPORT || e == EPROTONOSUPPORT)
                return canring__err(err, errlen, -e,
                                    "%s: this kernel has no %s support (load can-raw/can-bcm, or "
                                    "use the CAN lab)",
                                    what, what);
        return canring__err(err, errlen, -e, "%s socket: %s", what, strerror(e));
}

int canring__can_lookup(const char *name, int *ifindex, uint32_t *mtu, char *err, size_t errlen)
{
        struct ifreq ifr;
        int ret = 0;

        if (!name || !*name)
                return canring__err(err, errlen, -EINVAL, "empty interface name");
        if (strlen(name) >= IF_NAMESIZE)
                return canring__err(err, errlen, -ENAMETOOLONG, "%s: interface name too long",
                                    name);
        /* An AF_UNIX socket is enough: the device ioctls fall through to the core for any family.
         */
        int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (s < 0)
                return canring__err(err, errlen, -errno, "socket: %s", strerror(errno));
        memset(&ifr, 0, sizeof(ifr));
        memcpy(ifr.ifr_name, name, strlen(name));
        if (ioctl(s, SIOCGIFINDEX, &ifr) < 0) {
                ret = errno == ENODEV ? -ENODEV : -errno;
                canring__err(err, errlen, ret, "%s: %s", name,
                             ret == -ENODEV ? "no such interface" : strerror(-ret));
                goto out;
        }
        *ifindex = ifr.ifr_ifindex;
        if (ioctl(s, SIOCGIFHWADDR, &ifr) < 0) {
                ret = canring__err(err, errlen, -errno, "%s: %s", name, strerror(errno));
                goto out;
        }
        if (ifr.ifr_hwaddr.sa_family != ARPHRD_CAN) {
                ret = canring__err(err, errlen, -ENOTTY, "%s is not a CAN interface", name);
                goto out;
        }
        if (ioctl(s, SIOCGIFMTU, &ifr) < 0) {
                ret = canring__err(err, errlen, -errno, "%s: %s", name, strerror(errno));
                goto out;
        }
        *mtu = (uint32_t)ifr.ifr_mtu;
out:
        close(s);
        return ret;
}
