/* SPDX-License-Identifier: MIT */
/*
 * The service's control socket: send frames, run periodic BCM tasks and change a channel's kernel
 * filters through a running `canring run`, from any local process allowed to.
 *
 * The socket is an AF_UNIX SOCK_SEQPACKET socket next to the segment ("canring.<name>.ctl" in
 * /dev/shm, or in $CANRING_SHM_DIR). Access is by file permission on it (connect needs write
 * permission) and is checked again by the service with SO_PEERCRED/SO_PEERGROUPS against the
 * file's owner, group and mode, so a chmod/chgrp of the socket is the whole access policy.
 *
 * Every request is one message and gets exactly one reply message, in order. The wire format is
 * below (fixed-width fields, native byte order: the peer is on the same host); docs/control.md
 * describes it for clients written in other languages.
 *
 * Tasks started through the service belong to the connection that started them and end when it
 * closes, unless started with CANRING_CONTROL_DETACH: then the service owns them until they are
 * stopped and removed, or the service stops.
 */
#ifndef CANRING_CONTROL_H
#define CANRING_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/can.h>

#include "canring/bcm.h"
#include "canring/ifctl.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- wire format ------------------------------------------------------------------------- */

#define CANRING_CONTROL_MAGIC      0x4c544352u /* "RCTL" in memory on little-endian hosts */
#define CANRING_CONTROL_VERSION    1u          /* bumped on any incompatible change */
#define CANRING_CONTROL_MSG_MAX    131072u     /* bytes of the largest request or reply */
#define CANRING_CONTROL_TEXT       256u        /* bytes of a reply's message, NUL included */
#define CANRING_CONTROL_MAX_FRAMES 256u        /* frames in one send or task request */
#define CANRING_CONTROL_MAX_TASKS  512u        /* tasks in one list reply */

enum canring_control_op {
        CANRING_CTL_HELLO = 1,             /* -> struct canring_ctl_hello */
        CANRING_CTL_SEND = 2,              /* struct canring_ctl_frames -> (rc, frames sent) */
        CANRING_CTL_PERIODIC_START = 3,    /* struct canring_ctl_frames with timing */
        CANRING_CTL_PERIODIC_MODIFY = 4,   /* struct canring_ctl_frames (timing ignored) */
        CANRING_CTL_PERIODIC_STOP = 5,     /* struct canring_ctl_task_id */
        CANRING_CTL_PERIODIC_RESTART = 6,  /* struct canring_ctl_task_id */
        CANRING_CTL_PERIODIC_REMOVE = 7,   /* struct canring_ctl_task_id: stop and forget */
        CANRING_CTL_PERIODIC_LIST = 8,     /* no payload -> struct canring_control_task[] */
        CANRING_CTL_PERIODIC_STOP_ALL = 9, /* no payload */
        CANRING_CTL_SET_FILTERS = 10,      /* struct canring_ctl_filters */
        CANRING_CTL_IF_APPLY = 11,         /* struct canring_ctl_ifapply */
        CANRING_CTL_IF_RESTART = 12,       /* no payload */
};

/* Every request starts with this head; LEN bytes of the op's payload follow it. */
struct canring_ctl_request {
        uint32_t magic;   /* CANRING_CONTROL_MAGIC */
        uint32_t version; /* CANRING_CONTROL_VERSION */
        uint32_t op;      /* enum canring_control_op */
        uint32_t seq;     /* echoed in the reply */
        char ifname[16];  /* the interface the request is for, NUL-terminated; "" = every one
                             (LIST, STOP_ALL only) */
        uint32_t flags;   /* CANRING_CONTROL_* flags of the op */
        uint32_t len;     /* payload bytes after this head */
};

/* Every reply starts with this head; LEN bytes of the op's result follow it. */
struct canring_ctl_reply {
        uint32_t magic; /* CANRING_CONTROL_MAGIC */
        uint32_t op;    /* the request's op */
        uint32_t seq;   /* the request's seq */
        int32_t rc;     /* 0 or -errno; for LIST the number of tasks */
        uint32_t len;   /* result bytes after this head */
        uint32_t value; /* SEND: frames sent before a failure (all of them on success) */
        char message[CANRING_CONTROL_TEXT]; /* why, when rc < 0 ("" otherwise), NUL-terminated */
};

/* One frame on the wire: the frame's MTU says classic (CAN_MTU) or CAN FD (CANFD_MTU). */
struct canring_ctl_frame {
        uint32_t mtu;             /* CAN_MTU (16) or CANFD_MTU (72) */
        uint32_t __pad;           /* zero */
        struct canfd_frame frame; /* for classic frames the first 16 bytes are a can_frame */
};

/* SEND, PERIODIC_START, PERIODIC_MODIFY: NFRAMES struct canring_ctl_frame follow. */
struct canring_ctl_frames {
        int32_t timeout_ms;               /* SEND: wait this long per frame on a full queue */
        uint32_t nframes;                 /* 1..CANRING_CONTROL_MAX_FRAMES */
        struct canring_bcm_timing timing; /* PERIODIC_START: period, count or duration */
};

/* PERIODIC_STOP, _RESTART, _REMOVE. */
struct canring_ctl_task_id {
        uint32_t can_id; /* the task's id, with CAN_EFF_FLAG for 29-bit ids */
        uint32_t __pad;  /* zero */
};

/* SET_FILTERS: NFILTERS struct can_filter (8 bytes each) follow. */
struct canring_ctl_filters {
        uint32_t nfilters; /* 0..CAN_RAW_FILTER_MAX; 0 = every data frame (python-can's None) */
        uint32_t join;     /* 1: CAN_RAW_JOIN_FILTERS, a frame must match every filter */
        uint32_t err_mask; /* CAN_RAW_ERR_FILTER: error classes to receive; 0 = none */
        uint32_t __pad;    /* zero */
};

/* IF_APPLY: canring_if_apply() by the service (canring/ifctl.h). */
struct canring_ctl_ifapply {
        struct canring_if_config cfg; /* 6 x uint32_t: what to set */
        uint32_t down_first;          /* 1: bring the interface down first */
        uint32_t up_last;             /* 1: bring it up last */
};

/* HELLO's result. */
struct canring_ctl_hello {
        uint32_t version;   /* CANRING_CONTROL_VERSION of the service */
        int32_t pid;        /* the service's process id */
        uint32_t nchannels; /* configured channels */
        uint32_t flags;     /* CANRING_CONTROL_SVC_* */
};

#define CANRING_CONTROL_SVC_FD  0x1u /* channels carry CAN FD (--fd) */
#define CANRING_CONTROL_SVC_OWN 0x2u /* channels receive their own sends (--own) */

/* PERIODIC_START flag: the task outlives the connection (the service owns it). */
#define CANRING_CONTROL_DETACH 0x1u

/* Task flags (struct canring_control_task.flags). */
#define CANRING_TASK_FD       0x01u /* CAN FD frames */
#define CANRING_TASK_RUNNING  0x02u /* the kernel holds the task (not stopped) */
#define CANRING_TASK_SENDING  0x04u /* still sending: endless, or its count not yet reached */
#define CANRING_TASK_DETACHED 0x08u /* owned by the service, not by a connection */
#define CANRING_TASK_MINE     0x10u /* owned by the asking connection */

/* One task in a LIST reply. */
struct canring_control_task {
        char ifname[16];                /* interface, NUL-terminated */
        uint32_t can_id;                /* the task's id */
        uint32_t flags;                 /* CANRING_TASK_* */
        uint32_t nframes;               /* frames in the sequence */
        uint32_t count;                 /* frames requested in total, 0 endless */
        uint32_t count_left;            /* the kernel's remaining count */
        int32_t owner_pid;              /* pid of the owning connection's peer, 0 if detached */
        uint64_t period_us;             /* period, microseconds */
        struct canring_ctl_frame first; /* the sequence's current first frame */
};

/* ---- client ------------------------------------------------------------------------------ */

struct canring_control;

/*
 * Writes the control socket's path for segment NAME (NULL: the default) into BUF. Returns 0, or
 * -EINVAL / -ENAMETOOLONG for a bad name, -ENOSPC when BUF (or sun_path) is too small.
 */
int canring_control_path(const char *name, char *buf, size_t size);

/*
 * Connects to the service of segment NAME (NULL: the default). Returns 0 and *OUT, or -errno with
 * a message in ERR: -ENOENT no service runs with that name, -EACCES the socket's permissions
 * refuse this user, -ECONNREFUSED a socket file is left but nobody serves it.
 */
int canring_control_open(struct canring_control **out, const char *name, char *err, size_t errlen);

void canring_control_close(struct canring_control *ctl);

/*
 * The connection's socket, for poll(): the service never writes unasked, so POLLIN or POLLHUP
 * while no request is in flight means the service closed the connection (it stopped).
 */
int canring_control_fd(const struct canring_control *ctl);

/* Asks the service who it is. 0 or -errno (ERR says why). */
int canring_control_hello(struct canring_control *ctl, struct canring_ctl_hello *out, char *err,
                          size_t errlen);

/*
 * Sends N frames in order on IFNAME through the service's own receive socket of that channel (so a
 * service running with --own receives them back, flagged TX). Each waits up to TIMEOUT_MS on a
 * full interface queue (the service caps the wait at 5 s). Returns 0, or the first -errno; *SENT
 * (may be NULL) gets how many frames went out. Errors: -ENODEV IFNAME is not a channel of the
 * service, -EOPNOTSUPP an FD frame on a service without --fd, -EINVAL a bad frame, -ETIMEDOUT.
 */
int canring_control_send(struct canring_control *ctl, const char *ifname,
                         const struct canfd_frame *frames, const size_t *mtus, size_t n,
                         int timeout_ms, size_t *sent, char *err, size_t errlen);

/* Periodic tasks in the service: the rules and errors of canring/bcm.h, plus -ENODEV. FLAGS:
 * CANRING_CONTROL_DETACH. */
int canring_control_periodic_start(struct canring_control *ctl, const char *ifname,
                                   const struct canfd_frame *frames, const size_t *mtus,
                                   uint32_t nframes, const struct canring_bcm_timing *timing,
                                   unsigned flags, char *err, size_t errlen);
int canring_control_periodic_modify(struct canring_control *ctl, const char *ifname,
                                    const struct canfd_frame *frames, const size_t *mtus,
                                    uint32_t nframes, char *err, size_t errlen);
/* Stop (keep for restart), restart, remove (stop and forget) the task CAN_ID on IFNAME, looked
 * up among this connection's tasks first, then among the detached ones. */
int canring_control_periodic_stop(struct canring_control *ctl, const char *ifname, canid_t can_id,
                                  char *err, size_t errlen);
int canring_control_periodic_restart(struct canring_control *ctl, const char *ifname,
                                     canid_t can_id, char *err, size_t errlen);
int canring_control_periodic_remove(struct canring_control *ctl, const char *ifname, canid_t can_id,
                                    char *err, size_t errlen);
/* Stops every task of this connection and every detached task, on IFNAME or (NULL) everywhere. */
int canring_control_periodic_stop_all(struct canring_control *ctl, const char *ifname, char *err,
                                      size_t errlen);
/*
 * Lists every task of the service (every connection's and the detached ones) on IFNAME or (NULL)
 * everywhere into OUT[0..MAX). Returns the number of tasks (which may exceed MAX) or -errno.
 */
int canring_control_periodic_list(struct canring_control *ctl, const char *ifname,
                                  struct canring_control_task *out, size_t max, char *err,
                                  size_t errlen);

/*
 * Replaces the kernel filters of the running channel IFNAME (as candump's channel syntax or
 * python-can's set_filters() give them: canring_filter_list_parse(), canring_filter_from_python()
 * in canring/text.h). N 0 receives every data frame. The channel keeps the new filters across an
 * interface that is deleted and re-created. -ENODEV not a channel; -EINVAL too many filters;
 * -EOPNOTSUPP the interface is served by an `any` channel (change that channel's filters).
 */
int canring_control_set_filters(struct canring_control *ctl, const char *ifname,
                                const struct can_filter *filters, size_t n, bool join,
                                can_err_mask_t err_mask, char *err, size_t errlen);

/*
 * Interface control by the service, for users its control socket allows but who lack
 * CAP_NET_ADMIN: canring_if_apply() and canring_if_restart() of canring/ifctl.h on IFNAME, which
 * must be an interface the service serves. Same errors, plus -ENODEV.
 */
int canring_control_if_apply(struct canring_control *ctl, const char *ifname,
                             const struct canring_if_config *cfg, bool down_first, bool up_last,
                             char *err, size_t errlen);
int canring_control_if_restart(struct canring_control *ctl, const char *ifname, char *err,
                               size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
