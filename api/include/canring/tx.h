/* SPDX-License-Identifier: MIT */
/*
 * Standalone transmit: a CAN_RAW socket of the caller's own, bound to one interface, that sends
 * single frames with a timeout. The service offers the same through its control socket; this is
 * the path for programs that want no daemon.
 *
 * Frames are passed as struct canfd_frame plus the frame's MTU: with CAN_MTU (16) the first 16
 * bytes are a struct can_frame (len8_dlc included), with CANFD_MTU (72) a CAN FD frame. This is
 * what canring_frame_parse() (canring/text.h) produces.
 */
#ifndef CANRING_TX_H
#define CANRING_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <linux/can.h>

#ifdef __cplusplus
extern "C" {
#endif

/* canring_tx_open() flags */
#define CANRING_TX_FD      (1u << 0) /* CAN FD is required: fail if the interface MTU is CAN_MTU */
#define CANRING_TX_FD_AUTO (1u << 1) /* CAN FD when the interface's MTU allows it, else classic */
#define CANRING_TX_NO_LOOPBACK                                                                     \
        (1u << 2) /* CAN_RAW_LOOPBACK off: other sockets on this host do not see our frames */

struct canring_tx {
        int fd;                   /* CAN_RAW socket bound to ifindex, -1 when closed */
        int ifindex;              /* kernel interface index */
        uint32_t if_mtu;          /* the interface's MTU at open: CAN_MTU or CANFD_MTU (bytes) */
        bool fd_frames;           /* CAN_RAW_FD_FRAMES is on: CANFD_MTU frames may be sent */
        char ifname[IF_NAMESIZE]; /* NUL-terminated interface name */
};

/*
 * Opens a transmit socket on IFNAME. Returns 0, or -errno with a one-line explanation in ERR
 * (ERR may be NULL): -ENODEV no such interface, -ENOTTY not a CAN interface, -EOPNOTSUPP
 * CANRING_TX_FD on a classic-only interface, -EAFNOSUPPORT the kernel has no CAN.
 */
int canring_tx_open(struct canring_tx *tx, const char *ifname, unsigned flags, char *err,
                    size_t errlen);

/* Closes the socket; safe on a closed or zeroed-and-fd=-1 handle. */
void canring_tx_close(struct canring_tx *tx);

/*
 * Sends one frame of MTU bytes (CAN_MTU or CANFD_MTU). When the interface queue is full the kernel
 * answers ENOBUFS; the send is then retried until TIMEOUT_MS passes (-1: wait forever, 0: try
 * once). Returns 0, or -errno: -EINVAL bad MTU or length, -EOPNOTSUPP an FD frame on a socket
 * without CAN FD, -ENOBUFS queue full with TIMEOUT_MS 0, -ETIMEDOUT queue stayed full for
 * TIMEOUT_MS, -ENETDOWN interface down, other send(2) errors as they come.
 */
int canring_tx_send(struct canring_tx *tx, const struct canfd_frame *frame, size_t mtu,
                    int timeout_ms);

/*
 * Sends N frames in order, each with TIMEOUT_MS as in canring_tx_send(). Stops at the first
 * failure. *SENT (may be NULL) receives how many frames went out. Returns 0 or the first -errno.
 */
int canring_tx_send_many(struct canring_tx *tx, const struct canfd_frame *frames,
                         const size_t *mtus, size_t n, int timeout_ms, size_t *sent);

/*
 * Checks a frame against what a socket with FD_FRAMES on/off accepts, without sending it.
 * Returns 0 or -EINVAL / -EOPNOTSUPP as canring_tx_send() would, with a message in ERR.
 */
int canring_tx_check_frame(const struct canfd_frame *frame, size_t mtu, bool fd_frames, char *err,
                           size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
