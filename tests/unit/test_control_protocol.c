/* SPDX-License-Identifier: MIT */
/*
 * The control protocol's bad input, each answered with its own -errno and a message that says
 * what is wrong, the connection still usable afterwards (except after a version mismatch or a
 * message that is not the protocol at all, where the service hangs up):
 * wrong version, a payload shorter or longer than the head says, an oversized request, an
 * unknown op, an interface that is no channel, frames the service cannot send, a task whose
 * timing is refused (no BCM socket left behind), a filter change the socket refuses; and more
 * clients than connection slots (the extra one waits, unspun, and is served once a slot frees).
 */
#include <poll.h>
#include <sys/un.h>

#include "control.h"
#include "control_test.h"

/* Sends a raw request (head + LEN bytes of BODY) on a fresh connection and reads the reply. */
static int raw(int fd, struct canring_ctl_request *req, const void *body, size_t len,
               struct canring_ctl_reply *reply)
{
        static _Alignas(8) unsigned char buf[CANRING_CONTROL_MSG_MAX + 4096];
        struct pollfd p = {.fd = fd, .events = POLLIN};

        memcpy(buf, req, sizeof(*req));
        if (len)
                memcpy(buf + sizeof(*req), body, len);
        if (send(fd, buf, sizeof(*req) + len, 0) < 0)
                FAIL("send: %s", strerror(errno));
        if (poll(&p, 1, 10000) != 1)
                FAIL("no reply");
        ssize_t n = recv(fd, reply, sizeof(*reply), 0);
        return (int)n;
}

static int raw_connect(void)
{
        struct sockaddr_un sun = {.sun_family = AF_UNIX};
        int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

        canring_control_path(SEGMENT, sun.sun_path, sizeof(sun.sun_path));
        if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
                FAIL("connect: %s", strerror(errno));
        return fd;
}

static struct canring_ctl_request head(uint32_t op, const char *ifname, uint32_t len)
{
        struct canring_ctl_request r = {
            .magic = CANRING_CONTROL_MAGIC,
            .version = CANRING_CONTROL_VERSION,
            .op = op,
            .seq = 7,
            .len = len,
        };
        snprintf(r.ifname, sizeof(r.ifname), "%s", ifname);
        return r;
}

static void expect_reply(int n, const struct canring_ctl_reply *r, int rc, const char *sub)
{
        if (n < (int)sizeof(*r))
                FAIL("short reply (%d bytes) where %d ('%s') was expected", n, rc, sub);
        if (r->magic != CANRING_CONTROL_MAGIC || r->seq != 7)
                FAIL("reply head: magic %x seq %u", r->magic, r->seq);
        if (r->rc != rc || !strstr(r->message, sub))
                FAIL("reply rc %d '%s', want %d with '%s'", r->rc, r->message, rc, sub);
}

static void raw_cases(void)
{
        static _Alignas(8) unsigned char big[CANRING_CONTROL_MSG_MAX + 1024];
        struct canring_ctl_reply r;
        struct canring_ctl_request q;
        int fd = raw_connect(), n;

        q = head(CANRING_CTL_HELLO, "", 0);
        expect_reply(raw(fd, &q, NULL, 0, &r), &r, 0, "");

        q = head(99, "lo", 0);
        expect_reply(raw(fd, &q, NULL, 0, &r), &r, -EOPNOTSUPP, "unknown request 99");

        q = head(CANRING_CTL_SEND, "lo", 100); /* says 100, carries 10 */
        expect_reply(raw(fd, &q, big, 10, &r), &r, -EBADMSG, "says 100 payload bytes");

        struct canring_ctl_frames fr = {.nframes = 2};
        q = head(CANRING_CTL_SEND, "lo", sizeof(fr) + sizeof(struct canring_ctl_frame));
        memcpy(big, &fr, sizeof(fr));
        expect_reply(raw(fd, &q, big, q.len, &r), &r, -EBADMSG, "says 2 frames");

        q = head(CANRING_CTL_SEND, "lo", sizeof(big) - sizeof(q));
        expect_reply(raw(fd, &q, big, q.len, &r), &r, -EMSGSIZE, "at most");

        struct canring_ctl_filters fl = {.nfilters = 3};
        q = head(CANRING_CTL_SET_FILTERS, "lo", sizeof(fl) + 8);
        memcpy(big, &fl, sizeof(fl));
        expect_reply(raw(fd, &q, big, q.len, &r), &r, -EBADMSG, "says 3 filters");

        q = head(CANRING_CTL_PERIODIC_STOP, "lo", 3);
        expect_reply(raw(fd, &q, big, 3, &r), &r, -EBADMSG, "a task id is 8");

        /* Still the same connection: everything above left it usable. */
        q = head(CANRING_CTL_HELLO, "", 0);
        expect_reply(raw(fd, &q, NULL, 0, &r), &r, 0, "");

        q = head(CANRING_CTL_HELLO, "", 0);
        q.version = 99;
        expect_reply(raw(fd, &q, NULL, 0, &r), &r, -EPROTO, "version 99");
        n = (int)recv(fd, &r, sizeof(r), 0);
        if (n != 0)
                FAIL("after a version mismatch the service should hang up (recv %d)", n);
        close(fd);

        fd = raw_connect();
        q = head(CANRING_CTL_HELLO, "", 0);
        q.magic = 0x12345678;
        if (raw(fd, &q, NULL, 0, &r) != 0)
                FAIL("a message that is not the protocol should get no reply but a hang-up");
        close(fd);
}

static void api_cases(void)
{
        struct canring_control *ctl = test_connect();
        struct canring_bcm_timing tm = {.period_us = 10000, .count = 5};
        struct canring_control_task tasks[4];
        struct canfd_frame f[2];
        size_t mtus[2] = {CAN_MTU, CANFD_MTU}, sent = 99;
        char err[512];

        memset(f, 0, sizeof(f));
        f[0].can_id = 0x123;
        f[0].len = 2;
        f[1].can_id = 0x123;
        f[1].len = 12;

        EXPECT_ERR(canring_control_send(ctl, "vcan9", f, mtus, 1, 0, &sent, err, sizeof(err)),
                   -ENODEV, err, "'vcan9' is not a channel of service 'ctltest' (channels: lo)");
        EXPECT_ERR(canring_control_send(ctl, "lo", f, mtus, 2, 0, &sent, err, sizeof(err)),
                   -EOPNOTSUPP, err, "frame 2: CAN FD frame on a classic");
        if (sent != 0)
                FAIL("a refused FD frame must send nothing (sent %zu)", sent);
        f[0].len = 9;
        EXPECT_ERR(canring_control_send(ctl, "lo", f, mtus, 1, 0, &sent, err, sizeof(err)), -EINVAL,
                   err, "9 data bytes");
        f[0].len = 2;
        /* The stand-in is no CAN socket: the kernel's refusal comes back with the frame named. */
        if (canring_control_send(ctl, "lo", f, mtus, 1, 0, &sent, err, sizeof(err)) >= 0 ||
            !strstr(err, "lo: frame 1 of 1"))
                FAIL("send on the stand-in: '%s'", err);

        tm.period_us = 0;
        EXPECT_ERR(canring_control_periodic_start(ctl, "lo", f, mtus, 1, &tm, 0, err, sizeof(err)),
                   -EINVAL, err, "period");
        tm.period_us = 10000;
        if (canring_control_periodic_start(ctl, "lo", f, mtus, 1, &tm, 0, err, sizeof(err)) >= 0)
                FAIL("a BCM task on a host without CAN");
        EXPECT_ERR(canring_control_periodic_stop(ctl, "lo", 0x123, err, sizeof(err)), -ENOENT, err,
                   "no task with id 123 on lo");
        EXPECT_ERR(canring_control_periodic_list(ctl, NULL, tasks, 4, err, sizeof(err)), 0, err,
                   "");

        struct can_filter flt = {.can_id = 0x100, .can_mask = 0x7FF};
        if (canring_control_set_filters(ctl, "lo", &flt, 1, false, 0, err, sizeof(err)) >= 0 ||
            !strstr(err, "(the old ones stay)"))
                FAIL("filters on a socket that has none: '%s'", err);
        EXPECT_ERR(canring_control_set_filters(ctl, "nope", &flt, 1, false, 0, err, sizeof(err)),
                   -ENODEV, err, "'nope' is not a channel");
        canring_control_close(ctl);
}

/*
 * More clients than connection slots: the one past the limit waits in the backlog (the service
 * does not spin on it meanwhile) and is served as soon as a slot frees.
 */
static void full_house(void)
{
        struct canring_control *ctl[CTL_MAX_CONNS + 1];
        struct canring_ctl_hello h;
        struct timespec nap = {.tv_sec = 0, .tv_nsec = 300000000};
        struct timespec c0, c1;
        char err[512];
        int fd;

        for (int i = 0; i < CTL_MAX_CONNS; i++) {
                ctl[i] = test_connect();
                if (canring_control_hello(ctl[i], &h, err, sizeof(err)) < 0)
                        FAIL("client %d: %s", i, err);
        }
        fd = raw_connect(); /* connected in the backlog, not yet accepted */
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
        nanosleep(&nap, NULL);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
        /* CPU time, not wall time: a service spinning on the pending connection burns the whole
         * nap; an idle one next to nothing. */
        double busy = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
        if (busy > 0.15)
                FAIL("the service used %.3f s of CPU in a 0.3 s nap with a client waiting", busy);
        canring_control_close(ctl[0]);
        struct canring_ctl_request q = head(CANRING_CTL_HELLO, "", 0);
        struct canring_ctl_reply r;
        expect_reply(raw(fd, &q, NULL, 0, &r), &r, 0, "");
        close(fd);
        for (int i = 1; i < CTL_MAX_CONNS; i++)
                canring_control_close(ctl[i]);
}

int main(void)
{
        struct test_service t;
        struct canring_control *ctl;
        char err[256];

        if (canring_control_open(&ctl, "no/slash", err, sizeof(err)) != -EINVAL)
                FAIL("a segment name with a slash: '%s'", err);
        test_service_start(&t);
        raw_cases();
        api_cases();
        full_house();
        test_service_stop(&t);
        printf("PASS: control protocol bad input\n");
        return 0;
}
