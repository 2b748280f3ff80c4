/* SPDX-License-Identifier: MIT */
/* Private helpers shared by tx_*.c, bcm*.c, ifctl*.c and ifdiscover*.c (not installed). */
#ifndef CANRING_IFCTL_PRIV_H
#define CANRING_IFCTL_PRIV_H

#include <stddef.h>
#include <stdint.h>

/* printf into ERR when ERR is non-NULL; returns RET so callers can `return canring_err(...)`. */
int canring__err(char *err, size_t errlen, int ret, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Resolves a CAN interface by name through the generic interface ioctls (they work on any
 * socket family, so this answers even on a kernel without CAN). Fills *IFINDEX and *MTU.
 * Returns 0, -ENODEV (no such interface), -ENOTTY (exists but is not ARPHRD_CAN) or
 * -ENAMETOOLONG, with a message in ERR.
 */
int canring__can_lookup(const char *name, int *ifindex, uint32_t *mtu, char *err, size_t errlen);

/* The message for a socket(PF_CAN) failure: the common one here is a kernel without CAN. */
int canring__can_socket_err(int e, const char *what, char *err, size_t errlen);

struct nlmsghdr;
struct canring_ifinfo;
/*
 * Parses one RTM_NEWLINK message. Returns 1 and fills INFO for a CAN interface (ARPHRD_CAN),
 * 0 for any other link, -EINVAL for a malformed message. Pure: the unit tests feed it by hand.
 */
int canring__if_parse_link(const struct nlmsghdr *nh, struct canring_ifinfo *info);

/* Runs an RTM_GETLINK dump and calls CB for every CAN interface; CB returning < 0 stops it. */
int canring__if_dump(int (*cb)(const struct canring_ifinfo *info, void *arg), void *arg);

struct canring_bcm;
/*
 * Wraps an already-connected BCM socket FD (taken over: closed by canring_bcm_close). Used by
 * canring_bcm_open() and by the unit tests, which pass one end of a socketpair to see the exact
 * messages the handle writes without a kernel that has CAN.
 */
int canring__bcm_attach(struct canring_bcm **out, int fd, const char *ifname, uint32_t if_mtu);

#endif
