/* SPDX-License-Identifier: MIT */
/*
 * Segment naming and the limits shared by the producer and consumer sides. The byte layout of a
 * segment is specified in docs/shm-layout.md; only the library touches it directly.
 */
#ifndef CANRING_SHM_H
#define CANRING_SHM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CANRING_DEFAULT_NAME   "canring" /* segment name when none is given */
#define CANRING_NAME_MAX       64        /* bytes of a segment name, without the terminating NUL */
#define CANRING_LAYOUT_VERSION 1         /* bumped on any incompatible change of the layout */

#define CANRING_RING_MIN      4096u      /* bytes of ring data, smallest allowed (64 slots) */
#define CANRING_RING_MAX      (1u << 30) /* bytes of ring data, largest allowed */
#define CANRING_MAX_RINGS     64         /* rings per segment (one per producer thread) */
#define CANRING_MAX_CHANNELS  4096       /* channels per segment */
#define CANRING_MAX_CONSUMERS 1024       /* consumer slots per segment */

/*
 * Segments are files named "canring.<name>" in /dev/shm (POSIX shared memory), or in the directory
 * named by the environment variable CANRING_SHM_DIR when it is set (tests use it).
 * Writes the path into buf; returns 0 or -EINVAL / -ENAMETOOLONG for a bad name (NULL means the
 * default name), -ENOSPC if buf is too small.
 */
int canring_shm_path(const char *name, char *buf, unsigned size);

/* Checks a segment name without touching anything: 0, -EINVAL or -ENAMETOOLONG. */
int canring_name_check(const char *name);

/* Channel metadata, set by the producer, read by consumers (docs/shm-layout.md, channel table). */
#define CANRING_CHAN_FD        0x01 /* channel receives CAN FD frames */
#define CANRING_CHAN_UP        0x02 /* interface is up */
#define CANRING_CHAN_LISTEN    0x04 /* listen-only mode */
#define CANRING_CHAN_HW_TSTAMP 0x08 /* driver gives hardware timestamps */

struct canring_channel_info {
        char name[16];     /* interface name, NUL-terminated (IFNAMSIZ) */
        uint32_t ifindex;  /* interface index, 0 for "any" */
        uint32_t flags;    /* CANRING_CHAN_* */
        uint32_t bitrate;  /* nominal bitrate in bit/s, 0 if unknown */
        uint32_t dbitrate; /* CAN FD data bitrate in bit/s, 0 if unknown or not FD */
};

struct canring_channel_counters {
        uint64_t frames;       /* frames published (all kinds but events) */
        uint64_t bytes;        /* data bytes of those frames */
        uint64_t socket_drops; /* kernel socket drops (SO_RXQ_OVFL running total) */
        uint64_t ring_drops;   /* frames not published because of ring back-pressure */
        uint64_t error_frames; /* error frames received */
        uint64_t bus_state;    /* enum can_state of <linux/can/netlink.h> */
        uint64_t tx_frames;    /* frames sent by the service on this channel */
        uint64_t reserved;     /* zero */
};

#ifdef __cplusplus
}
#endif

#endif
