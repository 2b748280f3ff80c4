/* SPDX-License-Identifier: MIT */
/* The client side of the service's control socket (canring/control.h, docs/control.md). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <linux/can/raw.h>

#include "canring/control.h"
#include "canring/shm.h"
#include "ifctl_priv.h"

#define REPLY_TIMEOUT_MS 30000 /* a service that says nothing for this long is taken as hung */

struct canring_control {
        int fd;
        uint32_t seq;
        char name[CANRING_NAME_MAX + 1];
        _Alignas(8) unsigned char buf[CANRING_CONTROL_MSG_MAX]; /* one reply, read as structs */
};

int canring_control_path(const char *name, char *buf, size_t size)
{
        struct sockaddr_un sun;
        char seg[sizeof(sun.sun_path)];
        int rc = canring_shm_path(name, seg, sizeof(seg));

        if (rc < 0)
                return rc == -ENOSPC ? -ENAMETOOLONG : rc;
        if (strlen(seg) + sizeof(".ctl") > sizeof(sun.sun_path))
                return -ENAMETOOLONG; /* sun_path holds 108 bytes */
        if ((size_t)snprintf(buf, size, "%s.ctl", seg) >= size)
                return -ENOSPC;
        return 0;
}

int canring_control_open(struct canring_control **out, const char *name, char *err, size_t errlen)
{
        struct sockaddr_un sun = {.sun_family = AF_UNIX};
        struct canring_control *ctl;
        int rc = canring_control_path(name, sun.sun_path, sizeof(sun.sun_path));

        if (rc < 0)
                return canring__err(err, errlen, rc, "bad segment name '%s': %s",
                                    name ? name : CANRING_DEFAULT_NAME, strerror(-rc));
        ctl = calloc(1, sizeof(*ctl));
        if (!ctl)
                return canring__err(err, errlen, -ENOMEM, "out of memory");
        snprintf(ctl->name, sizeof(ctl->name), "%s", name ? name : CANRING_DEFAULT_NAME);
        ctl->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (ctl->fd < 0) {
                rc = canring__err(err, errlen, -errno, "socket(AF_UNIX): %s", strerror(errno));
                free(ctl);
                return rc;
        }
        if (connect(ctl->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
                int e = errno;

                if (e == ENOENT)
                        rc = canring__err(err, errlen, -ENOENT,
                                          "no canring service runs with segment '%s' (no %s)",
                                          ctl->name, sun.sun_path);
                else if (e == ECONNREFUSED)
                        rc = canring__err(err, errlen, -ECONNREFUSED,
                                          "%s is left from a service that is gone: nobody serves "
                                          "segment '%s'",
                                          sun.sun_path, ctl->name);
                else if (e == EACCES || e == EPERM)
                        rc = canring__err(err, errlen, -EACCES,
                                          "%s: permission denied (the socket's owner, group and "
                                          "mode decide who may control the service)",
                                          sun.sun_path);
                else
                        rc = canring__err(err, errlen, -e, "connect %s: %s", sun.sun_path,
                                          strerror(e));
                close(ctl->fd);
                free(ctl);
                return rc;
        }
        *out = ctl;
        return 0;
}

void canring_control_close(struct canring_control *ctl)
{
        if (!ctl)
                return;
        close(ctl->fd);
        free(ctl);
}

int canring_control_fd(const struct canring_control *ctl)
{
        return ctl->fd;
}

/*
 * One request and its reply. The payload is PART1 then PART2 (either may be empty). On success
 * returns the reply's rc (>= 0) with *REPLY pointing into ctl->buf; a negative rc from the
 * service comes back with its message in ERR.
 */
static int call(struct canring_control *ctl, uint32_t op, const char *ifname, uint32_t flags,
                const void *part1, size_t len1, const void *part2, size_t len2,
                const struct canring_ctl_reply **reply, char *err, size_t errlen)
{
        struct canring_ctl_request req = {
            .magic = CANRING_CONTROL_MAGIC,
            .version = CANRING_CONTROL_VERSION,
            .op = op,
            .seq = ++ctl->seq,
            .flags = flags,
            .len = (uint32_t)(len1 + len2),
        };
        struct iovec iov[3] = {
            {.iov_base = &req, .iov_len = sizeof(req)},
            {.iov_base = (void *)part1, .iov_len = len1},
            {.iov_base = (void *)part2, .iov_len = len2},
        };
        struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 3};
        struct pollfd p = {.fd = ctl->fd, .events = POLLIN};
        const struct canring_ctl_reply *r = (const void *)ctl->buf;
        ssize_t n;

        if (ifname && strlen(ifname) >= sizeof(req.ifname))
                return canring__err(err, errlen, -ENAMETOOLONG, "interface name '%s' too long",
                                    ifname);
        if (sizeof(req) + len1 + len2 > CANRING_CONTROL_MSG_MAX)
                return canring__err(err, errlen, -EMSGSIZE, "request too large");
        if (ifname)
                memcpy(req.ifname, ifname, strlen(ifname));
        if (sendmsg(ctl->fd, &mh, MSG_NOSIGNAL) < 0)
                return canring__err(err, errlen, -errno, "control socket: %s", strerror(errno));
        for (;;) {
                int pr = poll(&p, 1, REPLY_TIMEOUT_MS);

                if (pr > 0)
                        break;
                if (pr == 0)
                        return canring__err(err, errlen, -ETIMEDOUT,
                                            "the service did not answer within %d s",
                                            REPLY_TIMEOUT_MS / 1000);
                if (errno != EINTR)
                        return canring__err(err, errlen, -errno, "poll: %s", strerror(errno));
        }
        n = recv(ctl->fd, ctl->buf, sizeof(ctl->buf), 0);
        if (n < 0)
                return canring__err(err, errlen, -errno, "control socket: %s", strerror(errno));
        if (n == 0)
                return canring__err(err, errlen, -ECONNRESET,
                                    "the service closed the control connection");
        if ((size_t)n < sizeof(*r) || r->magic != CANRING_CONTROL_MAGIC || r->seq != req.seq ||
            r->op != op || sizeof(*r) + r->len != (size_t)n)
                return canring__err(err, errlen, -EPROTO, "malformed reply from the service");
        *reply = r;
        if (r->rc < 0) {
                char msg[CANRING_CONTROL_TEXT];

                memcpy(msg, r->message, sizeof(msg));
                msg[sizeof(msg) - 1] = '\0';
                return canring__err(err, errlen, r->rc, "%s", msg[0] ? msg : strerror(-r->rc));
        }
        return r->rc;
}

int canring_control_hello(struct canring_control *ctl, struct canring_ctl_hello *out, char *err,
                          size_t errlen)
{
        const struct canring_ctl_reply *r;
        int rc = call(ctl, CANRING_CTL_HELLO, NULL, 0, NULL, 0, NULL, 0, &r, err, errlen);

        if (rc < 0)
                return rc;
        if (r->len != sizeof(*out))
                return canring__err(err, errlen, -EPROTO, "malformed hello from the service");
        memcpy(out, r + 1, sizeof(*out));
        return 0;
}

/* A request carrying frames: HEAD then N wire frames built from FRAMES/MTUS. */
static int call_frames(struct canring_control *ctl, uint32_t op, const char *ifname, uint32_t flags,
                       struct canring_ctl_frames *head, const struct canfd_frame *frames,
                       const size_t *mtus, size_t n, const struct canring_ctl_reply **reply,
                       char *err, size_t errlen)
{
        struct canring_ctl_frame *wire;
        int rc;

        if (n == 0 || n > CANRING_CONTROL_MAX_FRAMES)
                return canring__err(err, errlen, -EINVAL, "%zu frames: 1 to %u per request", n,
                                    CANRING_CONTROL_MAX_FRAMES);
        wire = calloc(n, sizeof(*wire));
        if (!wire)
                return canring__err(err, errlen, -ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
                wire[i].mtu = (uint32_t)mtus[i];
                memcpy(&wire[i].frame, &frames[i],
                       mtus[i] == CAN_MTU ? CAN_MTU : sizeof(wire[i].frame));
        }
        head->nframes = (uint32_t)n;
        rc = call(ctl, op, ifname, flags, head, sizeof(*head), wire, n * sizeof(*wire), reply, err,
                  errlen);
        free(wire);
        return rc;
}

int canring_control_send(struct canring_control *ctl, const char *ifname,
                         const struct canfd_frame *frames, const size_t *mtus, size_t n,
                         int timeout_ms, size_t *sent, char *err, size_t errlen)
{
        struct canring_ctl_frames head = {.timeout_ms = timeout_ms};
        const struct canring_ctl_reply *r = NULL;
        int rc =
            call_frames(ctl, CANRING_CTL_SEND, ifname, 0, &head, frames, mtus, n, &r, err, errlen);

        if (sent)
                *sent = r ? r->value : 0;
        return rc < 0 ? rc : 0;
}

int canring_control_periodic_start(struct canring_control *ctl, const char *ifname,
                                   const struct canfd_frame *frames, const size_t *mtus,
                                   uint32_t nframes, const struct canring_bcm_timing *timing,
                                   unsigned flags, char *err, size_t errlen)
{
        struct canring_ctl_frames head = {.timing = *timing};
        const struct canring_ctl_reply *r;
        int rc = call_frames(ctl, CANRING_CTL_PERIODIC_START, ifname, flags, &head, frames, mtus,
                             nframes, &r, err, errlen);

        return rc < 0 ? rc : 0;
}

int canring_control_periodic_modify(struct canring_control *ctl, const char *ifname,
                                    const struct canfd_frame *frames, const size_t *mtus,
                                    uint32_t nframes, char *err, size_t errlen)
{
        struct canring_ctl_frames head = {0};
        const struct canring_ctl_reply *r;
        int rc = call_frames(ctl, CANRING_CTL_PERIODIC_MODIFY, ifname, 0, &head, frames, mtus,
                             nframes, &r, err, errlen);

        return rc < 0 ? rc : 0;
}

static int call_task(struct canring_control *ctl, uint32_t op, const char *ifname, canid_t can_id,
                     char *err, size_t errlen)
{
        struct canring_ctl_task_id id = {.can_id = can_id};
        const struct canring_ctl_reply *r;
        int rc = call(ctl, op, ifname, 0, &id, sizeof(id), NULL, 0, &r, err, errlen);

        return rc < 0 ? rc : 0;
}

int canring_control_periodic_stop(struct canring_control *ctl, const char *ifname, canid_t can_id,
                                  char *err, size_t errlen)
{
        return call_task(ctl, CANRING_CTL_PERIODIC_STOP, ifname, can_id, err, errlen);
}

int canring_control_periodic_restart(struct canring_control *ctl, const char *ifname,
                                     canid_t can_id, char *err, size_t errlen)
{
        return call_task(ctl, CANRING_CTL_PERIODIC_RESTART, ifname, can_id, err, errlen);
}

int canring_control_periodic_remove(struct canring_control *ctl, const char *ifname, canid_t can_id,
                                    char *err, size_t errlen)
{
        return call_task(ctl, CANRING_CTL_PERIODIC_REMOVE, ifname, can_id, err, errlen);
}

int canring_control_periodic_stop_all(struct canring_control *ctl, const char *ifname, char *err,
                                      size_t errlen)
{
        const struct canring_ctl_reply *r;
        int rc =
            call(ctl, CANRING_CTL_PERIODIC_STOP_ALL, ifname, 0, NULL, 0, NULL, 0, &r, err, errlen);

        return rc < 0 ? rc : 0;
}

int canring_control_periodic_list(struct canring_control *ctl, const char *ifname,
                                  struct canring_control_task *out, size_t max, char *err,
                                  size_t errlen)
{
        const struct canring_ctl_reply *r;
        int rc = call(ctl, CANRING_CTL_PERIODIC_LIST, ifname, 0, NULL, 0, NULL, 0, &r, err, errlen);
        size_t have;

        if (rc < 0)
                return rc;
        have = r->len / sizeof(*out);
        if (r->len % sizeof(*out) || have > (size_t)rc)
                return canring__err(err, errlen, -EPROTO, "malformed task list from the service");
        memcpy(out, r + 1, (have < max ? have : max) * sizeof(*out));
        return rc;
}

int canring_control_set_filters(struct canring_control *ctl, const char *ifname,
                                const struct can_filter *filters, size_t n, bool join,
                                can_err_mask_t err_mask, char *err, size_t errlen)
{
        struct canring_ctl_filters head = {
            .nfilters = (uint32_t)n, .join = join ? 1u : 0u, .err_mask = err_mask};
        const struct canring_ctl_reply *r;
        int rc;

        if (n > CAN_RAW_FILTER_MAX)
                return canring__err(err, errlen, -EINVAL, "%zu filters: at most %u", n,
                                    CAN_RAW_FILTER_MAX);
        rc = call(ctl, CANRING_CTL_SET_FILTERS, ifname, 0, &head, sizeof(head), filters,
                  n * sizeof(*filters), &r, err, errlen);
        return rc < 0 ? rc : 0;
}

int canring_control_if_apply(struct canring_control *ctl, const char *ifname,
                             const struct canring_if_config *cfg, bool down_first, bool up_last,
                             char *err, size_t errlen)
{
        struct canring_ctl_ifapply a = {
            .cfg = *cfg, .down_first = down_first ? 1u : 0u, .up_last = up_last ? 1u : 0u};
        const struct canring_ctl_reply *r;
        int rc =
            call(ctl, CANRING_CTL_IF_APPLY, ifname, 0, &a, sizeof(a), NULL, 0, &r, err, errlen);

        return rc < 0 ? rc : 0;
}

int canring_control_if_restart(struct canring_control *ctl, const char *ifname, char *err,
                               size_t errlen)
{
        const struct canring_ctl_reply *r;
        int rc = call(ctl, CANRING_CTL_IF_RESTART, ifname, 0, NULL, 0, NULL, 0, &r, err, errlen);

        return rc < 0 ? rc : 0;
}
