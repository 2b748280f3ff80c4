/* SPDX-License-Identifier: MIT */
/* Standalone transmit on a CAN_RAW socket: open, frame checks, send with a timeout. */
#define _GNU_SOURCE /* ppoll */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/can/raw.h>

#include "canring/tx.h"
#include "ifctl_priv.h"

int canring_tx_open(struct canring_tx *tx, const char *ifname, unsigned flags, char *err,
                    size_t errlen)
{
        struct sockaddr_can addr;
        uint32_t mtu = 0;
        int ifindex = 0, ret, on = 1;

        memset(tx, 0, sizeof(*tx));
        tx->fd = -1;
        ret = canring__can_lookup(ifname, &ifindex, &mtu, err, errlen);
        if (ret < 0)
                return ret;
        bool fd_capable = mtu >= CANFD_MTU;
        if ((flags & CANRING_TX_FD) && !fd_capable)
                return canring__err(err, errlen, -EOPNOTSUPP,
                                    "%s is a classic CAN interface (MTU %u): no CAN FD", ifname,
                                    mtu);
        int s = socket(PF_CAN, SOCK_RAW | SOCK_CLOEXEC, CAN_RAW);
        if (s < 0)
                return canring__can_socket_err(errno, "CAN_RAW", err, errlen);
        /*
         * This socket only writes. With no filter it would also queue every frame on the bus and,
         * never read, fill its receive buffer for nothing.
         */
        if (setsockopt(s, SOL_CAN_RAW, CAN_RAW_FILTER, NULL, 0) < 0) {
                ret = canring__err(err, errlen, -errno, "CAN_RAW_FILTER: %s", strerror(errno));
                goto fail;
        }
        if ((flags & (CANRING_TX_FD | CANRING_TX_FD_AUTO)) && fd_capable) {
                if (setsockopt(s, SOL_CAN_RAW, CAN_RAW_FD_FRAMES, &on, sizeof(on)) < 0) {
                        ret = canring__err(err, errlen, -errno, "CAN_RAW_FD_FRAMES: %s",
                                           strerror(errno));
                        goto fail;
                }
                tx->fd_frames = true;
        }
        if (flags & CANRING_TX_NO_LOOPBACK) {
                int off = 0;
                if (setsockopt(s, SOL_CAN_RAW, CAN_RAW_LOOPBACK, &off, sizeof(off)) < 0) {
                        ret = canring__err(err, errlen, -errno, "CAN_RAW_LOOPBACK: %s",
                                           strerror(errno));
                        goto fail;
                }
        }
        memset(&addr, 0, sizeof(addr));
        addr.can_family = AF_CAN;
        addr.can_ifindex = ifindex;
        if (bind(s, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
                ret = canring__err(err, errlen, -errno, "%s: bind: %s", ifname, strerror(errno));
                goto fail;
        }
        tx->fd = s;
        tx->ifindex = ifindex;
        tx->if_mtu = mtu;
        memcpy(tx->ifname, ifname, strlen(ifname) + 1);
        return 0;
fail:
        close(s);
        return ret;
}

void canring_tx_close(struct canring_tx *tx)
{
        if (tx->fd >= 0)
                close(tx->fd);
        tx->fd = -1;
}

static bool canfd_len_valid(uint8_t len)
{
        return len <= 8 || len == 12 || len == 16 || len == 20 || len == 24 || len == 32 ||
               len == 48 || len == 64;
}

int canring_tx_check_frame(const struct canfd_frame *frame, size_t mtu, bool fd_frames, char *err,
                           size_t errlen)
{
        if (mtu == CAN_MTU) {
                if (frame->len > CAN_MAX_DLEN)
                        return canring__err(err, errlen, -EINVAL,
                                            "classic CAN frame with %u data bytes (at most 8)",
                                            frame->len);
                return 0;
        }
        if (mtu != CANFD_MTU)
                return canring__err(err, errlen, -EINVAL,
                                    "frame size %zu is neither CAN_MTU (16) nor CANFD_MTU (72)",
                                    mtu);
        if (!canfd_len_valid(frame->len))
                return canring__err(err, errlen, -EINVAL, "CAN FD frame with invalid length %u",
                                    frame->len);
        if (!fd_frames)
                return canring__err(err, errlen, -EOPNOTSUPP,
                                    "CAN FD frame on a classic CAN socket/interface");
        return 0;
}

static int64_t now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static struct timespec ns_to_ts(int64_t ns)
{
        struct timespec ts = {.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
        return ts;
}

int canring_tx_send(struct canring_tx *tx, const struct canfd_frame *frame, size_t mtu,
                    int timeout_ms)
{
        int ret = canring_tx_check_frame(frame, mtu, tx->fd_frames, NULL, 0);
        if (ret < 0)
                return ret;
        int64_t deadline = timeout_ms > 0 ? now_ns() + (int64_t)timeout_ms * 1000000 : 0;
        int64_t backoff = 100000; /* ns; first wait after ENOBUFS */
        /* Addressed explicitly: the service sends on its channel sockets, and an `any` channel's
         * socket is bound to no interface. On a bound socket the address is the bound one. */
        struct sockaddr_can to = {.can_family = AF_CAN, .can_ifindex = tx->ifindex};

        for (;;) {
                ssize_t n =
                    sendto(tx->fd, frame, mtu, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof(to));
                if (n == (ssize_t)mtu)
                        return 0;
                if (n >= 0)
                        return -EIO; /* CAN_RAW sends whole frames or nothing */
                int e = errno;
                if (e == EINTR)
                        continue;
                if (e != ENOBUFS && e != EAGAIN)
                        return -e;
                if (timeout_ms == 0)
                        return -ENOBUFS;
                int64_t wait = backoff;
                if (timeout_ms > 0) {
                        int64_t left = deadline - now_ns();
                        if (left <= 0)
                                return -ETIMEDOUT;
                        if (wait > left)
                                wait = left;
                }
                /*
                 * EAGAIN means the socket's send buffer is full, which poll sees. ENOBUFS comes
                 * from the device queue (qdisc), which poll does not see: the socket usually still
                 * reports POLLOUT, so after poll we also sleep and retry with a growing back-off
                 * rather than spin.
                 */
                struct pollfd p = {.fd = tx->fd, .events = POLLOUT};
                struct timespec ts = ns_to_ts(wait);
                int pr = ppoll(&p, 1, &ts, NULL);
                if (pr < 0 && errno != EINTR)
                        return -errno;
                if (pr > 0 && e == ENOBUFS)
                        nanosleep(&ts, NULL);
                if (backoff < 5000000)
                        backoff *= 2;
        }
}

int canring_tx_send_many(struct canring_tx *tx, const struct canfd_frame *frames,
                         const size_t *mtus, size_t n, int timeout_ms, size_t *sent)
{
        size_t i;
        int ret = 0;

        for (i = 0; i < n; i++) {
                ret = canring_tx_send(tx, &frames[i], mtus[i], timeout_ms);
                if (ret < 0)
                        break;
        }
        if (sent)
                *sent = i;
        return ret;
}
