/* SPDX-License-Identifier: MIT */
/* io_uring feature probe: each feature is tried for real on a throw-away ring. */
#include "engine_features.h"

#include <errno.h>
#include <liburing.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

static int try_setup(unsigned flags, struct io_uring *ring, unsigned *features)
{
        struct io_uring_params p;

        memset(&p, 0, sizeof(p));
        p.flags = flags;
        int ret = io_uring_queue_init_params(8, ring, &p);
        if (ret == 0 && features)
                *features = p.features;
        return ret;
}

static bool setup_accepted(unsigned flags)
{
        struct io_uring ring;

        if (try_setup(flags, &ring, NULL) != 0)
                return false;
        io_uring_queue_exit(&ring);
        return true;
}

/*
 * Registers a one-entry buffer ring and, if that works, arms a multishot recvmsg on an AF_UNIX
 * datagram pair with one datagram already queued: a kernel with multishot recvmsg completes it at
 * once with IORING_CQE_F_MORE set; an older one fails the SQE with -EINVAL.
 */
static void probe_buf_ring_and_multishot(struct engine_features *f)
{
        struct io_uring ring;
        struct io_uring_buf_ring *br;
        struct io_uring_buf_reg reg;
        static char buf[256];
        struct msghdr mh;
        int sv[2];
        long page = sysconf(_SC_PAGESIZE);

        if (try_setup(0, &ring, NULL) != 0)
                return;
        br = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (br == MAP_FAILED)
                goto out_ring;
        memset(&reg, 0, sizeof(reg));
        reg.ring_addr = (unsigned long)br;
        reg.ring_entries = 1;
        reg.bgid = 0;
        if (io_uring_register_buf_ring(&ring, &reg, 0) != 0)
                goto out_map;
        f->buf_ring = true;
        io_uring_buf_ring_init(br);
        io_uring_buf_ring_add(br, buf, sizeof(buf), 0, io_uring_buf_ring_mask(1), 0);
        io_uring_buf_ring_advance(br, 1);

        if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) != 0)
                goto out_unreg;
        if (send(sv[1], "x", 1, 0) != 1)
                goto out_sock;
        memset(&mh, 0, sizeof(mh));
        struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
        io_uring_prep_recvmsg_multishot(sqe, sv[0], &mh, 0);
        sqe->flags |= IOSQE_BUFFER_SELECT;
        sqe->buf_group = 0;
        if (io_uring_submit(&ring) != 1)
                goto out_sock;
        struct io_uring_cqe *cqe;
        struct __kernel_timespec ts = {.tv_sec = 1};
        if (io_uring_wait_cqe_timeout(&ring, &cqe, &ts) == 0) {
                f->recvmsg_multishot = cqe->res >= 0 && (cqe->flags & IORING_CQE_F_MORE);
                io_uring_cqe_seen(&ring, cqe);
        }
out_sock:
        close(sv[0]);
        close(sv[1]);
out_unreg:
        /* Tearing the ring down cancels the still-armed multishot before the buffer ring goes. */
        io_uring_queue_exit(&ring);
        munmap(br, (size_t)page);
        return;
out_map:
        munmap(br, (size_t)page);
out_ring:
        io_uring_queue_exit(&ring);
}

int engine_features_probe(struct engine_features *f)
{
        struct io_uring ring;
        unsigned feat = 0;

        memset(f, 0, sizeof(*f));
        int ret = try_setup(0, &ring, &feat);
        if (ret != 0) {
                f->uring_err = ret;
                return 0;
        }
        io_uring_queue_exit(&ring);
        f->ext_arg = feat & IORING_FEAT_EXT_ARG;
        f->nodrop = feat & IORING_FEAT_NODROP;

        struct io_uring_probe *probe = io_uring_get_probe();
        if (probe) {
                f->recvmsg = io_uring_opcode_supported(probe, IORING_OP_RECVMSG);
                io_uring_free_probe(probe);
        }
        f->single_issuer = setup_accepted(IORING_SETUP_SINGLE_ISSUER);
        f->defer_taskrun = f->single_issuer &&
                           setup_accepted(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN);
        f->coop_taskrun = setup_accepted(IORING_SETUP_COOP_TASKRUN);
        probe_buf_ring_and_multishot(f);
        return 0;
}

static struct engine_features g_features;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void probe_once(void)
{
        engine_features_probe(&g_features);
}

const struct engine_features *engine_features_get(void)
{
        pthread_once(&g_once, probe_once);
        return &g_features;
}

int engine_features_require(const struct engine_features *f, char *err, size_t errlen)
{
        const char *missing = NULL;

        if (f->uring_err) {
                snprintf(err, errlen, "io_uring is not available: io_uring_setup failed: %s",
                         strerror(-f->uring_err));
                return f->uring_err;
        }
        if (!f->recvmsg)
                missing = "IORING_OP_RECVMSG (Linux 5.3)";
        else if (!f->buf_ring)
                missing = "provided buffer rings, io_uring_register_buf_ring (Linux 5.19)";
        else if (!f->recvmsg_multishot)
                missing = "multishot recvmsg, IORING_RECV_MULTISHOT (Linux 6.0)";
        if (missing) {
                snprintf(err, errlen, "the running kernel's io_uring lacks %s", missing);
                return -EOPNOTSUPP;
        }
        if (errlen)
                err[0] = '\0';
        return 0;
}

unsigned engine_features_setup_flags(const struct engine_features *f)
{
        /* DEFER_TASKRUN runs completions only when the single issuer asks for them: the loop enters
         * the kernel once per batch anyway, so nothing interrupts it between batches. */
        if (f->defer_taskrun)
                return IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
        unsigned flags = 0;
        if (f->single_issuer)
                flags |= IORING_SETUP_SINGLE_ISSUER;
        if (f->coop_taskrun)
                flags |= IORING_SETUP_COOP_TASKRUN;
        return flags;
}

static const char *yes_no(bool b)
{
        return b ? "yes" : "no";
}

int engine_features_format(const struct engine_features *f, char *buf, size_t len)
{
        if (f->uring_err)
                return snprintf(buf, len, "io_uring=no (%s)", strerror(-f->uring_err));
        return snprintf(buf, len,
                        "io_uring=yes recvmsg=%s recvmsg_multishot=%s buf_ring=%s single_issuer=%s "
                        "defer_taskrun=%s coop_taskrun=%s ext_arg=%s nodrop=%s",
                        yes_no(f->recvmsg), yes_no(f->recvmsg_multishot), yes_no(f->buf_ring),
                        yes_no(f->single_issuer), yes_no(f->defer_taskrun), yes_no(f->coop_taskrun),
                        yes_no(f->ext_arg), yes_no(f->nodrop));
}
