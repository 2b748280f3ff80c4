/* SPDX-License-Identifier: MIT */
/*
 * Periodic transmission through the kernel's broadcast manager (CAN_BCM), standalone on a BCM
 * socket of the caller's own. The kernel does the timing; this layer keeps python-can's
 * CyclicSendTask rules and says clearly when they are broken:
 *   - a task sends 1..256 frames in turn, one per period; all share one CAN id (the task's key);
 *   - all frames of a task are classic or all are CAN FD, and FD only on an FD-capable interface;
 *   - modify replaces the data without restarting the cycle and keeps the id and frame count;
 *   - period > 0; a task ends after COUNT frames, after DURATION (count = duration / period, as
 *     python-can computes it), or runs until stopped;
 *   - a stopped task can be restarted with its last data and timing.
 * A failed call changes nothing: neither the kernel's task nor the handle's record of it.
 *
 * Frames are struct canfd_frame plus their MTU (CAN_MTU or CANFD_MTU), as from canring/text.h.
 */
#ifndef CANRING_BCM_H
#define CANRING_BCM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/can.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CANRING_BCM_MAX_FRAMES 256 /* the kernel's MAX_NFRAMES per task */

/* When a task sends. Exactly one of count / duration_us may be non-zero (neither: endless). */
struct canring_bcm_timing {
        uint64_t period_us;   /* time between two frames, microseconds (BCM's resolution), > 0 */
        uint32_t count;       /* frames to send in total, then stop; 0: no limit */
        uint32_t __pad;       /* zero */
        uint64_t duration_us; /* stop after this long (count = duration / period); 0: no limit */
};

/* One task as the handle and the kernel know it. */
struct canring_bcm_task_info {
        canid_t can_id;      /* the task's id: 11 bits, or 29 bits with CAN_EFF_FLAG */
        bool fd;             /* the frames are CAN FD */
        bool running;        /* the kernel holds the task (started, not stopped) */
        bool sending;        /* the kernel's timer still runs: endless or count not yet reached */
        uint32_t nframes;    /* frames in the sequence */
        uint64_t period_us;  /* period, microseconds */
        uint32_t count;      /* total frames requested, 0 endless */
        uint32_t count_left; /* kernel's remaining count (TX_READ); 0 when endless or finished */
        const struct canfd_frame *frames; /* the current data; valid until the next call */
};

struct canring_bcm;

/*
 * Opens a BCM socket connected to IFNAME. Returns 0 and *OUT, or -errno with a message in ERR:
 * -ENODEV, -ENOTTY (not CAN), -EAFNOSUPPORT (no CAN in this kernel).
 */
int canring_bcm_open(struct canring_bcm **out, const char *ifname, char *err, size_t errlen);

/* Closes the socket; the kernel deletes every task of this socket with it. */
void canring_bcm_close(struct canring_bcm *bcm);

/* The BCM socket, for poll(POLLIN) when waiting for canring_bcm_events(). */
int canring_bcm_fd(const struct canring_bcm *bcm);

/*
 * Starts a task sending FRAMES[0..NFRAMES) (MTUS[i] per frame) cyclically. The first frame goes
 * out at once. Returns 0, or -errno with a message in ERR: -EINVAL rule broken, -EEXIST a task
 * with this id is already in the handle (modify, stop, or restart it), -EOPNOTSUPP FD frames on a
 * classic interface, or the kernel's error.
 */
int canring_bcm_start(struct canring_bcm *bcm, const struct canfd_frame *frames, const size_t *mtus,
                      uint32_t nframes, const struct canring_bcm_timing *timing, char *err,
                      size_t errlen);

/*
 * Replaces the data of the running task whose id the frames carry, without restarting its
 * cycle or its count. Same id, same frame count, same kind (classic/FD). -ENOENT no such task,
 * -ESRCH the task is stopped, -EINVAL rule broken.
 */
int canring_bcm_modify(struct canring_bcm *bcm, const struct canfd_frame *frames,
                       const size_t *mtus, uint32_t nframes, char *err, size_t errlen);

/* Stops a task (TX_DELETE); the handle keeps it for canring_bcm_restart(). -ENOENT, -ESRCH. */
int canring_bcm_stop(struct canring_bcm *bcm, canid_t can_id, char *err, size_t errlen);

/* Starts a stopped task again with its last data and timing (count starts afresh). */
int canring_bcm_restart(struct canring_bcm *bcm, canid_t can_id, char *err, size_t errlen);

/* Forgets a task (stopping it first if it runs). */
int canring_bcm_remove(struct canring_bcm *bcm, canid_t can_id, char *err, size_t errlen);

/* Stops every running task; returns 0 or the first -errno (it still tries them all). */
int canring_bcm_stop_all(struct canring_bcm *bcm);

/*
 * Fills OUT[0..MAX) with the handle's tasks, running ones read back from the kernel (TX_READ).
 * Returns the number of tasks (which may exceed MAX) or -errno.
 */
int canring_bcm_list(struct canring_bcm *bcm, struct canring_bcm_task_info *out, size_t max);

/* One task, read back from the kernel if it runs. -ENOENT when the handle has no such task. */
int canring_bcm_task(struct canring_bcm *bcm, canid_t can_id, struct canring_bcm_task_info *info);

/*
 * Reads the kernel's notifications (TX_EXPIRED: a counted task sent its last frame), waiting up
 * to TIMEOUT_MS (-1 forever, 0 not at all) for the first. Returns how many were read, or -errno.
 */
int canring_bcm_events(struct canring_bcm *bcm, int timeout_ms);

/* ---- pure helpers (no socket), public so that they can be tested and reused ---- */

/*
 * Checks the frames of one task: 1..256 frames, valid MTUs and lengths, all of one kind, all
 * with the same id, FD only when FD_CAPABLE. On success *CAN_ID and *FD describe the task.
 */
int canring_bcm_check_frames(const struct canfd_frame *frames, const size_t *mtus, uint32_t nframes,
                             bool fd_capable, canid_t *can_id, bool *fd, char *err, size_t errlen);

/* Checks a timing: period > 0, not both count and duration, duration >= period. */
int canring_bcm_check_timing(const struct canring_bcm_timing *timing, char *err, size_t errlen);

/* A BCM message: struct bcm_msg_head followed by NFRAMES frames. */
struct canring_bcm_msg {
        uint32_t opcode;  /* TX_SETUP, TX_DELETE, TX_READ, ... */
        uint32_t flags;   /* SETTIMER, STARTTIMER, TX_COUNTEVT, ...; CAN_FD_FRAME is added for FD */
        uint32_t count;   /* frames sent at ival1 before switching to ival2 */
        uint32_t nframes; /* frames following the head */
        uint64_t ival1_us; /* microseconds */
        uint64_t ival2_us; /* microseconds */
        canid_t can_id;    /* the task's id */
        bool fd;           /* frames are struct canfd_frame (72 bytes) rather than can_frame (16) */
        const struct canfd_frame *frames; /* nframes frames; for classic only the first 16 bytes */
};

/* Size of the encoded message: sizeof(struct bcm_msg_head) + nframes * frame size. */
size_t canring_bcm_encoded_size(uint32_t nframes, bool fd);

/* Encodes M into BUF. Returns the size written, or -ENOSPC / -EINVAL (nframes > 256). */
ssize_t canring_bcm_encode(void *buf, size_t buflen, const struct canring_bcm_msg *m);

#ifdef __cplusplus
}
#endif

#endif
