/* SPDX-License-Identifier: MIT */
/* BCM message encoding and the python-can CyclicSendTask rules, as pure functions. */
#include <errno.h>
#include <string.h>
#include <linux/can/bcm.h>

#include "canring/bcm.h"
#include "canring/tx.h"
#include "ifctl_priv.h"

size_t canring_bcm_encoded_size(uint32_t nframes, bool fd)
{
        return sizeof(struct bcm_msg_head) +
               (size_t)nframes * (fd ? sizeof(struct canfd_frame) : sizeof(struct can_frame));
}

ssize_t canring_bcm_encode(void *buf, size_t buflen, const struct canring_bcm_msg *m)
{
        struct bcm_msg_head head;
        size_t fsize = m->fd ? sizeof(struct canfd_frame) : sizeof(struct can_frame);

        if (m->nframes > CANRING_BCM_MAX_FRAMES || (m->nframes && !m->frames))
                return -EINVAL;
        size_t total = canring_bcm_encoded_size(m->nframes, m->fd);
        if (buflen < total)
                return -ENOSPC;
        /* memset first: the head has padding (before ival1 on LP64) that must not leak stack. */
        memset(&head, 0, sizeof(head));
        head.opcode = m->opcode;
        head.flags = m->flags | (m->fd ? CAN_FD_FRAME : 0);
        head.count = m->count;
        head.ival1.tv_sec = (long)(m->ival1_us / 1000000);
        head.ival1.tv_usec = (long)(m->ival1_us % 1000000);
        head.ival2.tv_sec = (long)(m->ival2_us / 1000000);
        head.ival2.tv_usec = (long)(m->ival2_us % 1000000);
        head.can_id = m->can_id;
        head.nframes = m->nframes;
        memcpy(buf, &head, sizeof(head));
        /* A classic slot is the first 16 bytes of the canfd_frame: a struct can_frame, len8_dlc
         * too. */
        for (uint32_t i = 0; i < m->nframes; i++)
                memcpy((char *)buf + sizeof(head) + i * fsize, &m->frames[i], fsize);
        return (ssize_t)total;
}

/* The id that makes two frames "the same id": 11 or 29 bits plus the format bit. */
static canid_t task_id(canid_t id)
{
        return (id & CAN_EFF_FLAG) ? (id & (CAN_EFF_FLAG | CAN_EFF_MASK)) : (id & CAN_SFF_MASK);
}

int canring_bcm_check_frames(const struct canfd_frame *frames, const size_t *mtus, uint32_t nframes,
                             bool fd_capable, canid_t *can_id, bool *fd, char *err, size_t errlen)
{
        if (nframes == 0)
                return canring__err(err, errlen, -EINVAL,
                                    "a periodic task needs at least one frame");
        if (nframes > CANRING_BCM_MAX_FRAMES)
                return canring__err(err, errlen, -EINVAL,
                                    "%u frames: a periodic task holds at most %d", nframes,
                                    CANRING_BCM_MAX_FRAMES);
        bool is_fd = mtus[0] == CANFD_MTU;
        canid_t id = task_id(frames[0].can_id);
        for (uint32_t i = 0; i < nframes; i++) {
                char why[96];
                int ret = canring_tx_check_frame(&frames[i], mtus[i], true, why, sizeof(why));
                if (ret < 0)
                        return canring__err(err, errlen, ret, "frame %u: %s", i + 1, why);
                if (frames[i].can_id & CAN_ERR_FLAG)
                        return canring__err(err, errlen, -EINVAL,
                                            "frame %u: error frames cannot be sent periodically",
                                            i + 1);
                if ((mtus[i] == CANFD_MTU) != is_fd)
                        return canring__err(err, errlen, -EINVAL,
                                            "frame %u: all frames of a task must be classic CAN or "
                                            "all CAN FD",
                                            i + 1);
                if (task_id(frames[i].can_id) != id)
                        return canring__err(
                            err, errlen, -EINVAL,
                            "frame %u: id %0*X differs from the task's id %0*X (all "
                            "frames of a task share one id)",
                            i + 1, (frames[i].can_id & CAN_EFF_FLAG) ? 8 : 3,
                            task_id(frames[i].can_id) & CAN_EFF_MASK, (id & CAN_EFF_FLAG) ? 8 : 3,
                            id & CAN_EFF_MASK);
        }
        if (is_fd && !fd_capable)
                return canring__err(err, errlen, -EOPNOTSUPP,
                                    "CAN FD frames on a classic CAN interface");
        *can_id = id;
        *fd = is_fd;
        return 0;
}

int canring_bcm_check_timing(const struct canring_bcm_timing *t, char *err, size_t errlen)
{
        if (t->period_us == 0)
                return canring__err(err, errlen, -EINVAL, "the period must be greater than 0");
        /* bcm_timeval holds seconds in a long; the kernel caps intervals at 400 days. */
        if (t->period_us > 400ull * 24 * 3600 * 1000000)
                return canring__err(err, errlen, -EINVAL, "period too long (at most 400 days)");
        if (t->count && t->duration_us)
                return canring__err(err, errlen, -EINVAL, "give a count or a duration, not both");
        if (t->duration_us && t->duration_us < t->period_us)
                return canring__err(err, errlen, -EINVAL,
                                    "duration shorter than one period: nothing would be sent");
        if (t->duration_us && t->duration_us / t->period_us > UINT32_MAX)
                return canring__err(err, errlen, -EINVAL, "duration / period exceeds 2^32 frames");
        return 0;
}
