/* SPDX-License-Identifier: MIT */
/* The BCM handle: a socket connected to one interface and the record of its periodic tasks. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/can/bcm.h>

#include "canring/bcm.h"
#include "ifctl_priv.h"

struct bcm_task {
        canid_t can_id;                   /* task key (id + CAN_EFF_FLAG) */
        bool fd;                          /* CAN FD frames */
        bool running;                     /* the kernel holds it */
        bool expired;                     /* TX_EXPIRED seen since the last start */
        uint32_t nframes;                 /* frames in the sequence */
        struct canring_bcm_timing timing; /* as started */
        struct canfd_frame *frames;       /* current data, nframes entries */
};

struct canring_bcm {
        int fd;                   /* CAN_BCM socket, connected */
        uint32_t if_mtu;          /* CAN_MTU or CANFD_MTU */
        char ifname[IF_NAMESIZE]; /* for messages */
        struct bcm_task *tasks;   /* ntasks records, in start order */
        size_t ntasks, cap;
        unsigned char *buf; /* one message of the largest size: head + 256 FD frames */
};

#define BCM_BUF_SIZE                                                                               \
        (sizeof(struct bcm_msg_head) + CANRING_BCM_MAX_FRAMES * sizeof(struct canfd_frame))

int canring__bcm_attach(struct canring_bcm **out, int fd, const char *ifname, uint32_t if_mtu)
{
        struct canring_bcm *b = calloc(1, sizeof(*b));
        if (!b)
                return -ENOMEM;
        b->buf = malloc(BCM_BUF_SIZE);
        if (!b->buf) {
                free(b);
                return -ENOMEM;
        }
        b->fd = fd;
        b->if_mtu = if_mtu;
        snprintf(b->ifname, sizeof(b->ifname), "%s", ifname);
        *out = b;
        return 0;
}

int canring_bcm_open(struct canring_bcm **out, const char *ifname, char *err, size_t errlen)
{
        struct sockaddr_can addr;
        uint32_t mtu = 0;
        int ifindex = 0;

        int ret = canring__can_lookup(ifname, &ifindex, &mtu, err, errlen);
        if (ret < 0)
                return ret;
        int s = socket(PF_CAN, SOCK_DGRAM | SOCK_CLOEXEC, CAN_BCM);
        if (s < 0)
                return canring__can_socket_err(errno, "CAN_BCM", err, errlen);
        memset(&addr, 0, sizeof(addr));
        addr.can_family = AF_CAN;
        addr.can_ifindex = ifindex;
        if (connect(s, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
                ret = canring__err(err, errlen, -errno, "%s: connect: %s", ifname, strerror(errno));
                goto fail;
        }
        ret = canring__bcm_attach(out, s, ifname, mtu);
        if (ret < 0) {
                canring__err(err, errlen, ret, "out of memory");
                goto fail;
        }
        return 0;
fail:
        close(s);
        return ret;
}

void canring_bcm_close(struct canring_bcm *bcm)
{
        if (!bcm)
                return;
        close(bcm->fd);
        for (size_t i = 0; i < bcm->ntasks; i++)
                free(bcm->tasks[i].frames);
        free(bcm->tasks);
        free(bcm->buf);
        free(bcm);
}

int canring_bcm_fd(const struct canring_bcm *bcm)
{
        return bcm->fd;
}

static struct bcm_task *find_task(struct canring_bcm *bcm, canid_t can_id)
{
        for (size_t i = 0; i < bcm->ntasks; i++)
                if (bcm->tasks[i].can_id == can_id)
                        return &bcm->tasks[i];
        return NULL;
}

static const char *id_str(canid_t id, char *buf, size_t len)
{
        if (id & CAN_EFF_FLAG)
                snprintf(buf, len, "%08X", id & CAN_EFF_MASK);
        else
                snprintf(buf, len, "%03X", id & CAN_SFF_MASK);
        return buf;
}

/* Writes one encoded message; the BCM takes it whole or fails with the kernel's errno. */
static int bcm_write(struct canring_bcm *bcm, const struct canring_bcm_msg *m)
{
        ssize_t len = canring_bcm_encode(bcm->buf, BCM_BUF_SIZE, m);
        if (len < 0)
                return (int)len;
        for (;;) {
                ssize_t n = write(bcm->fd, bcm->buf, (size_t)len);
                if (n == len)
                        return 0;
                if (n >= 0)
                        return -EIO;
                if (errno != EINTR)
                        return -errno;
        }
}

/* The TX_SETUP that (re)starts TASK's timer from scratch. */
static void setup_msg(const struct bcm_task *t, bool start, struct canring_bcm_msg *m)
{
        const struct canring_bcm_timing *tm = &t->timing;
        uint32_t count = tm->count
                             ? tm->count
                             : (uint32_t)(tm->duration_us ? tm->duration_us / tm->period_us : 0);

        memset(m, 0, sizeof(*m));
        m->opcode = TX_SETUP;
        m->can_id = t->can_id;
        m->fd = t->fd;
        m->nframes = t->nframes;
        m->frames = t->frames;
        if (count) {
                /*
                 * Counted: COUNT frames at ival1, then ival2 = 0 stops the timer. STARTTIMER sends
                 * the first frame at once and counts it, so exactly COUNT frames go out.
                 * TX_COUNTEVT makes the kernel say TX_EXPIRED when the last one has gone.
                 */
                m->count = count;
                m->ival1_us = tm->period_us;
                m->flags = TX_COUNTEVT;
        } else {
                m->ival2_us = tm->period_us;
        }
        /* Without SETTIMER/STARTTIMER a TX_SETUP on an existing task only replaces the data. */
        if (start)
                m->flags |= SETTIMER | STARTTIMER;
}

/* Reads everything queued on the socket, handling TX_EXPIRED; a TX_STATUS for WANT is returned. */
static int read_msgs(struct canring_bcm *bcm, int timeout_ms, const struct bcm_task *want,
                     struct bcm_msg_head *status)
{
        int nread = 0;

        for (;;) {
                struct pollfd p = {.fd = bcm->fd, .events = POLLIN};
                int pr = poll(&p, 1, nread ? 0 : timeout_ms);
                if (pr < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (pr == 0)
                        return want ? -ETIMEDOUT : nread;
                ssize_t n = recv(bcm->fd, bcm->buf, BCM_BUF_SIZE, MSG_DONTWAIT);
                if (n < 0) {
                        if (errno == EINTR || errno == EAGAIN)
                                continue;
                        return -errno;
                }
                if ((size_t)n < sizeof(struct bcm_msg_head))
                        continue;
                struct bcm_msg_head h;
                memcpy(&h, bcm->buf, sizeof(h));
                nread++;
                struct bcm_task *t = find_task(bcm, h.can_id);
                if (h.opcode == TX_EXPIRED && t)
                        t->expired = true;
                if (want && h.opcode == TX_STATUS && h.can_id == want->can_id) {
                        *status = h;
                        return nread;
                }
        }
}

int canring_bcm_events(struct canring_bcm *bcm, int timeout_ms)
{
        return read_msgs(bcm, timeout_ms, NULL, NULL);
}

int canring_bcm_start(struct canring_bcm *bcm, const struct canfd_frame *frames, const size_t *mtus,
                      uint32_t nframes, const struct canring_bcm_timing *timing, char *err,
                      size_t errlen)
{
        struct canring_bcm_msg m;
        canid_t id;
        bool fd;
        char ids[16];

        int ret = canring_bcm_check_frames(frames, mtus, nframes, bcm->if_mtu >= CANFD_MTU, &id,
                                           &fd, err, errlen);
        if (ret == -EOPNOTSUPP)
                return canring__err(err, errlen, ret,
                                    "%s: CAN FD frames on a classic CAN interface (MTU %u)",
                                    bcm->ifname, bcm->if_mtu);
        if (ret < 0)
                return ret;
        ret = canring_bcm_check_timing(timing, err, errlen);
        if (ret < 0)
                return ret;
        if (find_task(bcm, id))
                return canring__err(err, errlen, -EEXIST,
                                    "a task with id %s exists already: modify, stop or restart it",
                                    id_str(id, ids, sizeof(ids)));
        if (bcm->ntasks == bcm->cap) {
                size_t cap = bcm->cap ? bcm->cap * 2 : 4;
                struct bcm_task *nt = realloc(bcm->tasks, cap * sizeof(*nt));
                if (!nt)
                        return canring__err(err, errlen, -ENOMEM, "out of memory");
                bcm->tasks = nt;
                bcm->cap = cap;
        }
        struct bcm_task t = {.can_id = id, .fd = fd, .nframes = nframes, .timing = *timing};
        t.frames = malloc(nframes * sizeof(*t.frames));
        if (!t.frames)
                return canring__err(err, errlen, -ENOMEM, "out of memory");
        memcpy(t.frames, frames, nframes * sizeof(*t.frames));
        setup_msg(&t, true, &m);
        ret = bcm_write(bcm, &m);
        if (ret < 0) {
                free(t.frames);
                return canring__err(err, errlen, ret,
                                    "%s: the kernel refused the task (TX_SETUP): %s", bcm->ifname,
                                    strerror(-ret));
        }
        t.running = true;
        bcm->tasks[bcm->ntasks++] = t;
        return 0;
}

int canring_bcm_modify(struct canring_bcm *bcm, const struct canfd_frame *frames,
                       const size_t *mtus, uint32_t nframes, char *err, size_t errlen)
{
        struct canring_bcm_msg m;
        canid_t id;
        bool fd;
        char ids[16];

        int ret = canring_bcm_check_frames(frames, mtus, nframes, bcm->if_mtu >= CANFD_MTU, &id,
                                           &fd, err, errlen);
        if (ret < 0)
                return ret;
        struct bcm_task *t = find_task(bcm, id);
        if (!t)
                return canring__err(err, errlen, -ENOENT,
                                    "no task with id %s (modify keeps the id of the task)",
                                    id_str(id, ids, sizeof(ids)));
        if (!t->running)
                return canring__err(err, errlen, -ESRCH,
                                    "task %s is stopped: restart it before modifying",
                                    id_str(id, ids, sizeof(ids)));
        if (nframes != t->nframes)
                return canring__err(
                    err, errlen, -EINVAL,
                    "task %s has %u frame(s); modify must give the same number, not "
                    "%u",
                    id_str(id, ids, sizeof(ids)), t->nframes, nframes);
        if (fd != t->fd)
                return canring__err(err, errlen, -EINVAL,
                                    "task %s sends %s frames; modify cannot change that",
                                    id_str(id, ids, sizeof(ids)), t->fd ? "CAN FD" : "classic CAN");
        struct bcm_task next = *t;
        next.frames = (struct canfd_frame *)frames;
        setup_msg(&next, false, &m);
        ret = bcm_write(bcm, &m);
        if (ret < 0)
                return canring__err(err, errlen, ret, "%s: the kernel refused the new data: %s",
                                    bcm->ifname, strerror(-ret));
        memcpy(t->frames, frames, nframes * sizeof(*t->frames));
        return 0;
}

static int delete_task(struct canring_bcm *bcm, struct bcm_task *t)
{
        struct canring_bcm_msg m = {.opcode = TX_DELETE, .can_id = t->can_id, .fd = t->fd};
        int ret = bcm_write(bcm, &m);
        /* ENOENT/EINVAL here would mean the kernel no longer has it: the goal is reached. */
        if (ret < 0 && ret != -EINVAL && ret != -ENOENT)
                return ret;
        t->running = false;
        return 0;
}

int canring_bcm_stop(struct canring_bcm *bcm, canid_t can_id, char *err, size_t errlen)
{
        char ids[16];
        struct bcm_task *t = find_task(bcm, can_id);
        if (!t)
                return canring__err(err, errlen, -ENOENT, "no task with id %s",
                                    id_str(can_id, ids, sizeof(ids)));
        if (!t->running)
                return canring__err(err, errlen, -ESRCH, "task %s is already stopped",
                                    id_str(can_id, ids, sizeof(ids)));
        int ret = delete_task(bcm, t);
        if (ret < 0)
                return canring__err(err, errlen, ret, "stopping task %s (TX_DELETE): %s",
                                    id_str(can_id, ids, sizeof(ids)), strerror(-ret));
        return 0;
}

int canring_bcm_restart(struct canring_bcm *bcm, canid_t can_id, char *err, size_t errlen)
{
        struct canring_bcm_msg m;
        char ids[16];
        struct bcm_task *t = find_task(bcm, can_id);
        if (!t)
                return canring__err(err, errlen, -ENOENT, "no task with id %s",
                                    id_str(can_id, ids, sizeof(ids)));
        if (t->running)
                return canring__err(err, errlen, -EBUSY, "task %s is running: stop it first",
                                    id_str(can_id, ids, sizeof(ids)));
        setup_msg(t, true, &m);
        int ret = bcm_write(bcm, &m);
        if (ret < 0)
                return canring__err(err, errlen, ret, "restarting task %s (TX_SETUP): %s",
                                    id_str(can_id, ids, sizeof(ids)), strerror(-ret));
        t->running = true;
        t->expired = false;
        return 0;
}

int canring_bcm_remove(struct canring_bcm *bcm, canid_t can_id, char *err, size_t errlen)
{
        char ids[16];
        struct bcm_task *t = find_task(bcm, can_id);
        if (!t)
                return canring__err(err, errlen, -ENOENT, "no task with id %s",
                                    id_str(can_id, ids, sizeof(ids)));
        if (t->running) {
                int ret = canring_bcm_stop(bcm, can_id, err, errlen);
                if (ret < 0)
                        return ret;
        }
        free(t->frames);
        size_t i = (size_t)(t - bcm->tasks);
        memmove(t, t + 1, (bcm->ntasks - i - 1) * sizeof(*t));
        bcm->ntasks--;
        return 0;
}

int canring_bcm_stop_all(struct canring_bcm *bcm)
{
        int first = 0;
        for (size_t i = 0; i < bcm->ntasks; i++) {
                if (!bcm->tasks[i].running)
                        continue;
                int ret = delete_task(bcm, &bcm->tasks[i]);
                if (ret < 0 && !first)
                        first = ret;
        }
        return first;
}

static int fill_info(struct canring_bcm *bcm, struct bcm_task *t, struct canring_bcm_task_info *in)
{
        memset(in, 0, sizeof(*in));
        in->can_id = t->can_id;
        in->fd = t->fd;
        in->running = t->running;
        in->nframes = t->nframes;
        in->period_us = t->timing.period_us;
        in->count = t->timing.count ? t->timing.count
                                    : (uint32_t)(t->timing.duration_us
                                                     ? t->timing.duration_us / t->timing.period_us
                                                     : 0);
        in->frames = t->frames;
        if (!t->running)
                return 0;
        /* The kernel answers TX_READ with TX_STATUS before write() returns: it is queued already.
         */
        struct canring_bcm_msg m = {.opcode = TX_READ, .can_id = t->can_id, .fd = t->fd};
        int ret = bcm_write(bcm, &m);
        if (ret < 0)
                return ret;
        struct bcm_msg_head h;
        ret = read_msgs(bcm, 1000, t, &h);
        if (ret < 0)
                return ret;
        in->count_left = h.count;
        bool ival1 = h.ival1.tv_sec || h.ival1.tv_usec;
        bool ival2 = h.ival2.tv_sec || h.ival2.tv_usec;
        in->sending = (ival1 && h.count) || ival2;
        return 0;
}

int canring_bcm_task(struct canring_bcm *bcm, canid_t can_id, struct canring_bcm_task_info *info)
{
        struct bcm_task *t = find_task(bcm, can_id);
        if (!t)
                return -ENOENT;
        return fill_info(bcm, t, info);
}

int canring_bcm_list(struct canring_bcm *bcm, struct canring_bcm_task_info *out, size_t max)
{
        for (size_t i = 0; i < bcm->ntasks && i < max; i++) {
                int ret = fill_info(bcm, &bcm->tasks[i], &out[i]);
                if (ret < 0)
                        return ret;
        }
        return (int)bcm->ntasks;
}
