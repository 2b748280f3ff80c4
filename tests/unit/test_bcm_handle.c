/* SPDX-License-Identifier: MIT */
/*
 * The BCM handle against a fake kernel: one end of a SOCK_SEQPACKET pair stands in for the BCM
 * socket, so the test sees every message start/modify/stop/restart/list write, checks that
 * refused calls write nothing and leave the handle unchanged, and answers TX_READ itself.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/can/bcm.h>

#include "canring/bcm.h"
#include "../../api/src/ifctl_priv.h"

static int failures;
#define CHECK(c)                                                                                   \
        do {                                                                                       \
                if (!(c)) {                                                                        \
                        fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);                    \
                        failures++;                                                                \
                }                                                                                  \
        } while (0)

static unsigned char msg[65536];

/* Reads one message the handle wrote; returns its length, 0 when none is waiting. */
static ssize_t take(int fd, struct bcm_msg_head *h)
{
        ssize_t n = recv(fd, msg, sizeof(msg), MSG_DONTWAIT);
        if (n < 0)
                return 0;
        if ((size_t)n >= sizeof(*h))
                memcpy(h, msg, sizeof(*h));
        return n;
}

static void frame(struct canfd_frame *f, canid_t id, uint8_t b)
{
        memset(f, 0, sizeof(*f));
        f->can_id = id;
        f->len = 1;
        f->data[0] = b;
}

int main(void)
{
        int sv[2];
        struct canring_bcm *bcm;
        struct bcm_msg_head h;
        struct canfd_frame f[3];
        size_t mtus[3] = {CAN_MTU, CAN_MTU, CAN_MTU};
        char err[256];

        signal(SIGPIPE, SIG_IGN);
        if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0)
                return 1;
        if (canring__bcm_attach(&bcm, sv[0], "vcan9", CAN_MTU) < 0)
                return 1;
        int kernel = sv[1];

        /* start: 2 frames, 5 counted at 10 ms. */
        frame(&f[0], 0x321, 1);
        frame(&f[1], 0x321, 2);
        struct canring_bcm_timing t = {.period_us = 10000, .count = 5};
        CHECK(canring_bcm_start(bcm, f, mtus, 2, &t, err, sizeof(err)) == 0);
        CHECK(take(kernel, &h) == 56 + 2 * 16);
        CHECK(h.opcode == TX_SETUP && h.can_id == 0x321 && h.nframes == 2 && h.count == 5);
        CHECK(h.flags == (SETTIMER | STARTTIMER | TX_COUNTEVT));
        CHECK(h.ival1.tv_sec == 0 && h.ival1.tv_usec == 10000);
        CHECK(h.ival2.tv_sec == 0 && h.ival2.tv_usec == 0);
        CHECK(msg[56 + 8] == 1 && msg[72 + 8] == 2);

        /* the same id again: refused, nothing written */
        CHECK(canring_bcm_start(bcm, f, mtus, 1, &t, err, sizeof(err)) == -EEXIST);
        CHECK(take(kernel, &h) == 0);

        /* FD frames on a classic interface: refused, nothing written */
        size_t fdmtu[1] = {CANFD_MTU};
        frame(&f[2], 0x400, 1);
        CHECK(canring_bcm_start(bcm, &f[2], fdmtu, 1, &t, err, sizeof(err)) == -EOPNOTSUPP);
        CHECK(strstr(err, "vcan9") && strstr(err, "classic"));
        CHECK(take(kernel, &h) == 0);

        /* modify with another frame count, another id: refused, nothing written */
        frame(&f[0], 0x321, 9);
        CHECK(canring_bcm_modify(bcm, f, mtus, 1, err, sizeof(err)) == -EINVAL);
        CHECK(strstr(err, "2 frame") != NULL);
        frame(&f[0], 0x322, 9);
        frame(&f[1], 0x322, 9);
        CHECK(canring_bcm_modify(bcm, f, mtus, 2, err, sizeof(err)) == -ENOENT);
        CHECK(take(kernel, &h) == 0);

        /* modify: new data, no timer flags, the same count flag */
        frame(&f[0], 0x321, 0x11);
        frame(&f[1], 0x321, 0x22);
        CHECK(canring_bcm_modify(bcm, f, mtus, 2, err, sizeof(err)) == 0);
        CHECK(take(kernel, &h) == 56 + 2 * 16);
        CHECK(h.opcode == TX_SETUP && h.can_id == 0x321 && h.nframes == 2);
        CHECK(!(h.flags & (SETTIMER | STARTTIMER)) && (h.flags & TX_COUNTEVT));
        CHECK(msg[56 + 8] == 0x11 && msg[72 + 8] == 0x22);

        /* list: TX_READ out, the fake kernel's TX_STATUS (after a TX_EXPIRED) in */
        struct bcm_msg_head reply = {.opcode = TX_EXPIRED, .can_id = 0x321};
        CHECK(send(kernel, &reply, sizeof(reply), 0) == sizeof(reply));
        reply = (struct bcm_msg_head){
            .opcode = TX_STATUS, .can_id = 0x321, .count = 0, .ival1 = {0, 10000}, .nframes = 2};
        CHECK(send(kernel, &reply, sizeof(reply), 0) == sizeof(reply));
        struct canring_bcm_task_info info[4];
        CHECK(canring_bcm_list(bcm, info, 4) == 1);
        CHECK(take(kernel, &h) == 56 && h.opcode == TX_READ && h.can_id == 0x321);
        CHECK(info[0].can_id == 0x321 && info[0].running && !info[0].sending);
        CHECK(info[0].nframes == 2 && info[0].count == 5 && info[0].period_us == 10000);
        CHECK(info[0].frames[1].data[0] == 0x22);

        /* stop: TX_DELETE; modify on a stopped task is refused */
        CHECK(canring_bcm_stop(bcm, 0x321, err, sizeof(err)) == 0);
        CHECK(take(kernel, &h) == 56 && h.opcode == TX_DELETE && h.can_id == 0x321);
        CHECK(canring_bcm_modify(bcm, f, mtus, 2, err, sizeof(err)) == -ESRCH);
        CHECK(canring_bcm_stop(bcm, 0x321, err, sizeof(err)) == -ESRCH);
        CHECK(take(kernel, &h) == 0);
        CHECK(canring_bcm_list(bcm, info, 4) == 1 && !info[0].running);
        CHECK(take(kernel, &h) == 0); /* a stopped task is not read back */

        /* restart: the full TX_SETUP again with the modified data */
        CHECK(canring_bcm_restart(bcm, 0x321, err, sizeof(err)) == 0);
        CHECK(take(kernel, &h) == 56 + 2 * 16);
        CHECK(h.flags == (SETTIMER | STARTTIMER | TX_COUNTEVT) && h.count == 5);
        CHECK(msg[56 + 8] == 0x11);
        CHECK(canring_bcm_restart(bcm, 0x321, err, sizeof(err)) == -EBUSY);

        /* an endless FD-less second task: ival2 only */
        frame(&f[0], CAN_EFF_FLAG | 0x100, 7);
        t = (struct canring_bcm_timing){.period_us = 2500000};
        CHECK(canring_bcm_start(bcm, f, mtus, 1, &t, err, sizeof(err)) == 0);
        CHECK(take(kernel, &h) == 56 + 16);
        CHECK(h.flags == (SETTIMER | STARTTIMER) && h.count == 0);
        CHECK(h.ival1.tv_sec == 0 && h.ival1.tv_usec == 0);
        CHECK(h.ival2.tv_sec == 2 && h.ival2.tv_usec == 500000);

        /* stop all: one TX_DELETE per running task */
        CHECK(canring_bcm_stop_all(bcm) == 0);
        CHECK(take(kernel, &h) == 56 && h.opcode == TX_DELETE);
        CHECK(take(kernel, &h) == 56 && h.opcode == TX_DELETE);
        CHECK(take(kernel, &h) == 0);

        /* remove forgets it */
        CHECK(canring_bcm_remove(bcm, 0x321, err, sizeof(err)) == 0);
        CHECK(canring_bcm_list(bcm, info, 4) == 1 && info[0].can_id == (CAN_EFF_FLAG | 0x100));

        /* the kernel refusing a start (peer gone: EPIPE) leaves no task behind */
        close(kernel);
        frame(&f[0], 0x555, 1);
        t = (struct canring_bcm_timing){.period_us = 1000};
        CHECK(canring_bcm_start(bcm, f, mtus, 1, &t, err, sizeof(err)) == -EPIPE);
        CHECK(strstr(err, "refused") != NULL);
        CHECK(canring_bcm_list(bcm, info, 4) == 1);
        CHECK(canring_bcm_restart(bcm, 0x555, err, sizeof(err)) == -ENOENT);

        canring_bcm_close(bcm);
        return failures ? 1 : 0;
}
