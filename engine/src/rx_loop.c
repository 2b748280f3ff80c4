/* SPDX-License-Identifier: MIT */
/*
 * The receive loop. One io_uring, one provided-buffer ring shared by every channel, one multishot
 * recvmsg per channel. Each iteration: submit pending SQEs and wait for at least one completion,
 * reap up to batch_max frames, hand them to the sink in one call, return every consumed buffer to
 * the kernel with one tail store, re-arm what terminated. See docs/engine.md.
 */
#define _GNU_SOURCE
#include "engine_rx_loop.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <linux/sock_diag.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BGID 0 /* the loop's only buffer group */
/* A socket whose recvmsg fails this many times in a row without a frame between is parked
 * (ENGINE_RX_CHAN_FAILED) instead of being re-armed into an endless error loop. */
#define ERR_STREAK_MAX 8

/* user_data: op in bits 56..63, socket generation in 16..47, channel in 0..15. The generation
 * tells completions of a replaced socket from those of its successor. */
enum { UD_RECV = 1, UD_CANCEL = 2, UD_WAKE = 3, UD_TIMER = 4 };

static uint64_t ud_make(unsigned op, uint32_t gen, unsigned ch)
{
        return (uint64_t)op << 56 | (uint64_t)gen << 16 | ch;
}

struct rx_chan {
        int fd;               /* -1: no socket */
        uint32_t gen;         /* bumped whenever the socket changes */
        bool armed;           /* a recvmsg of the current generation is in flight */
        bool cancel_sent;     /* ... and a cancel for it is on its way */
        bool paused;          /* back-pressure: frames of this channel are held */
        bool failed;          /* parked after ERR_STREAK_MAX errors */
        bool rearm_due;       /* the kernel ended the recvmsg on its own: next arm is a re-arm */
        bool refused;         /* the sink refused this channel in the current offer_split() */
        bool seen;            /* a frame of the current socket came since the last drop poll */
        bool seen_prev;       /* ... and in the poll period before */
        uint32_t nheld;       /* frames of this channel in rx->held */
        uint32_t last_ovfl;   /* last SO_RXQ_OVFL value seen on the current socket */
        uint32_t err_streak;  /* consecutive error completions */
        uint32_t iter_frames; /* frames reaped in iteration number iter */
        uint64_t iter;        /* the loop's iteration iter_frames counts (engine_rx.iter) */
        struct engine_rx_chan_stats st;
};

struct rx_req {
        int fd;
        bool set;
};

struct engine_rx {
        struct engine_rx_config cfg;
        unsigned nbufs, batch_max;
        uint64_t pause_ns;
        uint64_t drop_poll_ns;
        uint64_t coalesce_ns; /* linger before the next wait while frames flow; 0 = off */
        uint64_t lingered_ns; /* the last iteration followed a linger this long; 0 = it did not */

        unsigned char *bufs;          /* nbufs * ENGINE_RX_BUF_SIZE */
        struct io_uring_buf_ring *br; /* page-aligned, shared with the kernel */
        size_t br_size;
        struct msghdr mh; /* the template every recvmsg is armed with */

        struct rx_chan *ch;
        struct engine_rx_frame *batch; /* this iteration's new frames of unpaused channels */
        unsigned nbatch;
        struct engine_rx_frame *held; /* refused frames (and later ones of their channels) */
        unsigned nheld;
        uint16_t *recycle; /* buffer ids to hand back at the end of the iteration */
        unsigned nrecycle;

        struct io_uring ring;
        int efd;           /* eventfd: stop and socket requests wake the loop through it */
        uint64_t wake_buf; /* target of the eventfd read */
        bool wake_armed;
        int tfd;            /* timerfd: ticks every drop_poll_ns, read through the ring */
        uint64_t timer_buf; /* target of the timerfd read */
        bool timer_armed;
        bool poll_due;     /* the timer ticked: poll the drop counters this iteration */
        bool idle_due;     /* the sink was called since cfg.idle last was for a sleep not brief */
        unsigned nframes;  /* frames reaped in this iteration */
        unsigned busiest;  /* ... by the channel that brought the most */
        bool dropped;      /* ... and some socket reported drops among them */
        uint64_t iter;     /* iterations so far (tells rx_chan.iter_frames apart) */
        unsigned inflight; /* recv multishots in flight, every generation */
        bool dirty;        /* some channel may need arming */
        bool stopping;
        int fatal;          /* fatal sink error: drain and discard */
        uint64_t resume_at; /* CLOCK_MONOTONIC ns of the next retry of held frames; 0 = none */

        int stop_req;    /* atomic: engine_rx_stop() was called */
        int req_pending; /* atomic: req[] has entries */
        pthread_mutex_t req_lock;
        struct rx_req *req;

        struct engine_rx_stats st;

        pthread_t thread;
        int thread_ret;
        char thread_err[256];
};

/* Counters have one writer (the loop thread) and readers anywhere: relaxed atomic stores let a
 * reader see whole values without making the loop pay for read-modify-write. */
#define STAT_ADD(x, n) __atomic_store_n(&(x), (x) + (n), __ATOMIC_RELAXED)
#define STAT_SET(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

static uint64_t now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static unsigned roundup_pow2(unsigned v)
{
        unsigned p = 1;
        while (p < v)
                p <<= 1;
        return p;
}

static void chan_state(struct rx_chan *c)
{
        uint64_t s;

        if (c->fd < 0 && !c->paused)
                s = ENGINE_RX_CHAN_EMPTY;
        else if (c->paused)
                s = ENGINE_RX_CHAN_PAUSED;
        else if (c->failed)
                s = ENGINE_RX_CHAN_FAILED;
        else if (c->armed)
                s = ENGINE_RX_CHAN_ARMED;
        else
                s = ENGINE_RX_CHAN_IDLE;
        STAT_SET(c->st.state, s);
}

static void set_err(char *err, size_t errlen, const char *fmt, const char *what, int e)
{
        if (errlen)
                snprintf(err, errlen, fmt, what, strerror(-e));
}

/* ---- setup and teardown ---- */

int engine_rx_create(const struct engine_rx_config *cfg, struct engine_rx **out)
{
        struct engine_rx *rx;
        long page = sysconf(_SC_PAGESIZE);
        int ret = -ENOMEM;

        if (!cfg || !out || !cfg->sink || cfg->nchannels == 0 ||
            cfg->nchannels > ENGINE_RX_MAX_CHANNELS)
                return -EINVAL;
        unsigned nbufs = cfg->nbufs ? cfg->nbufs : ENGINE_RX_DEFAULT_BUFS;
        if (nbufs > ENGINE_RX_MAX_BUFS || (nbufs & (nbufs - 1)) != 0)
                return -EDOM;
        if (cfg->batch_max > nbufs)
                return -ERANGE;

        rx = calloc(1, sizeof(*rx));
        if (!rx)
                return -ENOMEM;
        rx->cfg = *cfg;
        rx->nbufs = nbufs;
        rx->batch_max = cfg->batch_max ? cfg->batch_max : nbufs;
        rx->pause_ns = cfg->pause_ns ? cfg->pause_ns : ENGINE_RX_DEFAULT_PAUSE_NS;
        rx->drop_poll_ns = cfg->drop_poll_ns ? cfg->drop_poll_ns : ENGINE_RX_DEFAULT_DROP_POLL_NS;
        rx->coalesce_ns = cfg->coalesce_ns == ENGINE_RX_COALESCE_OFF ? 0
                          : cfg->coalesce_ns                         ? cfg->coalesce_ns
                                             : ENGINE_RX_DEFAULT_COALESCE_NS;
        rx->efd = -1;
        rx->tfd = -1;
        rx->br = MAP_FAILED;

        /* aligned_alloc wants a size that is a multiple of the alignment */
        rx->bufs =
            aligned_alloc((size_t)page, ((size_t)nbufs * ENGINE_RX_BUF_SIZE + (size_t)page - 1) &
                                            ~((size_t)page - 1));
        if (!rx->bufs)
                goto err;
        rx->br_size =
            ((size_t)nbufs * sizeof(struct io_uring_buf) + (size_t)page - 1) & ~((size_t)page - 1);
        rx->br =
            mmap(NULL, rx->br_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (rx->br == MAP_FAILED)
                goto err;
        rx->ch = calloc(cfg->nchannels, sizeof(*rx->ch));
        rx->req = calloc(cfg->nchannels, sizeof(*rx->req));
        /* Every buffer can hold a frame, and every channel can add one drop notice. */
        rx->batch = calloc(nbufs + cfg->nchannels, sizeof(*rx->batch));
        rx->held = calloc(nbufs + cfg->nchannels, sizeof(*rx->held));
        rx->recycle = calloc(nbufs, sizeof(*rx->recycle));
        if (!rx->ch || !rx->req || !rx->batch || !rx->held || !rx->recycle)
                goto err;
        for (unsigned i = 0; i < cfg->nchannels; i++) {
                rx->ch[i].fd = -1;
                rx->req[i].fd = -1;
        }
        rx->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (rx->efd < 0) {
                ret = -errno;
                goto err;
        }
        rx->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        if (rx->tfd < 0) {
                ret = -errno;
                goto err;
        }
        ret = pthread_mutex_init(&rx->req_lock, NULL);
        if (ret) {
                ret = -ret;
                goto err;
        }
        rx->mh.msg_namelen = ENGINE_RX_NAME_SIZE;
        rx->mh.msg_controllen = ENGINE_RX_CTRL_SIZE;
        *out = rx;
        return 0;
err:
        if (rx->tfd >= 0)
                close(rx->tfd);
        if (rx->efd >= 0)
                close(rx->efd);
        free(rx->recycle);
        free(rx->held);
        free(rx->batch);
        free(rx->req);
        free(rx->ch);
        if (rx->br != MAP_FAILED)
                munmap(rx->br, rx->br_size);
        free(rx->bufs);
        free(rx);
        return ret;
}

void engine_rx_destroy(struct engine_rx *rx)
{
        if (!rx)
                return;
        for (unsigned i = 0; i < rx->cfg.nchannels; i++) {
                if (rx->req[i].set && rx->req[i].fd >= 0)
                        close(rx->req[i].fd);
                if (rx->ch[i].fd >= 0)
                        close(rx->ch[i].fd);
        }
        pthread_mutex_destroy(&rx->req_lock);
        close(rx->tfd);
        close(rx->efd);
        free(rx->recycle);
        free(rx->held);
        free(rx->batch);
        free(rx->req);
        free(rx->ch);
        munmap(rx->br, rx->br_size);
        free(rx->bufs);
        free(rx);
}

static void wake(struct engine_rx *rx)
{
        uint64_t one = 1;
        /* EAGAIN means the counter is already non-zero: the loop is woken either way. */
        ssize_t r = write(rx->efd, &one, sizeof(one));
        (void)r;
}

void engine_rx_stop(struct engine_rx *rx)
{
        /* release: pairs with the acquire load in the loop; nothing else is published with it */
        __atomic_store_n(&rx->stop_req, 1, __ATOMIC_RELEASE);
        wake(rx);
}

int engine_rx_set_socket(struct engine_rx *rx, unsigned ch, int fd)
{
        if (!rx || ch >= rx->cfg.nchannels)
                return -EINVAL;
        pthread_mutex_lock(&rx->req_lock);
        if (rx->req[ch].set && rx->req[ch].fd >= 0)
                close(rx->req[ch].fd); /* superseded before the loop saw it */
        rx->req[ch].fd = fd;
        rx->req[ch].set = true;
        /* release: pairs with the acquire in apply_requests(); the mutex orders req[] itself */
        __atomic_store_n(&rx->req_pending, 1, __ATOMIC_RELEASE);
        pthread_mutex_unlock(&rx->req_lock);
        wake(rx);
        return 0;
}

/* ---- submissions ---- */

static struct io_uring_sqe *get_sqe(struct engine_rx *rx)
{
        struct io_uring_sqe *sqe = io_uring_get_sqe(&rx->ring);
        if (!sqe) {
                /* SQ full: push what is queued to make room. */
                io_uring_submit(&rx->ring);
                sqe = io_uring_get_sqe(&rx->ring);
        }
        return sqe;
}

static int arm(struct engine_rx *rx, unsigned ch)
{
        struct rx_chan *c = &rx->ch[ch];
        struct io_uring_sqe *sqe = get_sqe(rx);

        if (!sqe)
                return -EBUSY;
        io_uring_prep_recvmsg_multishot(sqe, c->fd, &rx->mh, 0);
        sqe->flags |= IOSQE_BUFFER_SELECT;
        sqe->buf_group = BGID;
        io_uring_sqe_set_data64(sqe, ud_make(UD_RECV, c->gen, ch));
        c->armed = true;
        c->cancel_sent = false;
        rx->inflight++;
        STAT_ADD(c->st.arms, 1);
        if (c->rearm_due)
                STAT_ADD(c->st.rearms, 1);
        c->rearm_due = false;
        chan_state(c);
        return 0;
}

static void cancel_recv(struct engine_rx *rx, unsigned ch)
{
        struct rx_chan *c = &rx->ch[ch];

        if (!c->armed || c->cancel_sent)
                return;
        struct io_uring_sqe *sqe = get_sqe(rx);
        if (!sqe)
                return; /* cannot happen with an SQ sized for two SQEs per channel; retried later */
        io_uring_prep_cancel64(sqe, ud_make(UD_RECV, c->gen, ch), 0);
        io_uring_sqe_set_data64(sqe, ud_make(UD_CANCEL, c->gen, ch));
        c->cancel_sent = true;
}

/* A read of the 8-byte counter of an eventfd or timerfd through the ring, completing as KIND. */
static void arm_counter_read(struct engine_rx *rx, int fd, uint64_t *buf, unsigned kind,
                             bool *armed)
{
        struct io_uring_sqe *sqe = get_sqe(rx);
        if (!sqe)
                return;
        io_uring_prep_read(sqe, fd, buf, sizeof(*buf), 0);
        io_uring_sqe_set_data64(sqe, ud_make(kind, 0, 0));
        *armed = true;
}

/* Cancels the counter read of KIND if it is armed (its completion then clears the flag). */
static void cancel_counter_read(struct engine_rx *rx, unsigned kind, bool armed)
{
        struct io_uring_sqe *sqe = armed ? get_sqe(rx) : NULL;
        if (!sqe)
                return;
        io_uring_prep_cancel64(sqe, ud_make(kind, 0, 0), 0);
        io_uring_sqe_set_data64(sqe, ud_make(UD_CANCEL, 0, 0));
}

static void arm_wake(struct engine_rx *rx)
{
        arm_counter_read(rx, rx->efd, &rx->wake_buf, UD_WAKE, &rx->wake_armed);
}

static void arm_timer(struct engine_rx *rx)
{
        arm_counter_read(rx, rx->tfd, &rx->timer_buf, UD_TIMER, &rx->timer_armed);
}

/* Arms every channel that has a socket and no recvmsg, unless every buffer is held (then an arm
 * would only fail with ENOBUFS again and again). */
static void arm_channels(struct engine_rx *rx)
{
        if (!rx->dirty || rx->stopping || rx->nheld >= rx->nbufs)
                return;
        rx->dirty = false;
        for (unsigned i = 0; i < rx->cfg.nchannels; i++) {
                struct rx_chan *c = &rx->ch[i];
                if (c->fd >= 0 && !c->armed && !c->paused && !c->failed && arm(rx, i) != 0) {
                        rx->dirty = true;
                        return;
                }
        }
}

/* ---- socket requests ---- */

static void install(struct engine_rx *rx, unsigned ch, int fd)
{
        struct rx_chan *c = &rx->ch[ch];

        if (c->fd >= 0) {
                /* The in-flight recvmsg holds its own file reference, so the fd can go now; its
                 * remaining completions carry the old generation and only deliver frames. */
                cancel_recv(rx, ch);
                close(c->fd);
        }
        c->armed = false;
        c->cancel_sent = false;
        c->rearm_due = false;
        c->fd = fd;
        c->gen++;
        c->last_ovfl = 0; /* SO_RXQ_OVFL counts per socket, from 0 */
        c->seen = c->seen_prev = false;
        c->err_streak = 0;
        c->failed = false;
        if (fd >= 0)
                STAT_ADD(c->st.sockets, 1);
        rx->dirty = true;
        chan_state(c);
}

static void apply_requests(struct engine_rx *rx)
{
        /* acquire: pairs with the release in engine_rx_set_socket() */
        if (!__atomic_load_n(&rx->req_pending, __ATOMIC_ACQUIRE))
                return;
        pthread_mutex_lock(&rx->req_lock);
        __atomic_store_n(&rx->req_pending, 0, __ATOMIC_RELAXED);
        for (unsigned i = 0; i < rx->cfg.nchannels; i++) {
                if (rx->req[i].set) {
                        install(rx, i, rx->req[i].fd);
                        rx->req[i].set = false;
                        rx->req[i].fd = -1;
                }
        }
        pthread_mutex_unlock(&rx->req_lock);
}

/* ---- completions ---- */

static void recycle(struct engine_rx *rx, uint16_t bid)
{
        rx->recycle[rx->nrecycle++] = bid;
}

/* Hands every consumed buffer back with one tail update. */
static void flush_recycle(struct engine_rx *rx)
{
        unsigned mask = (unsigned)io_uring_buf_ring_mask(rx->nbufs);

        if (!rx->nrecycle)
                return;
        for (unsigned i = 0; i < rx->nrecycle; i++) {
                uint16_t bid = rx->recycle[i];
                io_uring_buf_ring_add(rx->br, rx->bufs + (size_t)bid * ENGINE_RX_BUF_SIZE,
                                      ENGINE_RX_BUF_SIZE, bid, (int)mask, (int)i);
        }
        /* store-release of the tail inside: the kernel sees the entries before the new tail */
        io_uring_buf_ring_advance(rx->br, (int)rx->nrecycle);
        rx->nrecycle = 0;
}

static void on_frame(struct engine_rx *rx, unsigned ch, bool current, uint16_t bid, unsigned len)
{
        struct rx_chan *c = &rx->ch[ch];
        struct engine_rx_frame f;
        struct engine_rx_meta m;

        if (engine_rx_parse(rx->bufs + (size_t)bid * ENGINE_RX_BUF_SIZE, len, &rx->mh, &f, &m)) {
                STAT_ADD(c->st.malformed, 1);
                recycle(rx, bid);
                return;
        }
        f.channel = (uint16_t)ch;
        f.bid = bid;
        f.__pad = 0;
        f.rxq_ovfl_delta = 0;
        /* A replaced socket's counter has another origin: its last frames carry no delta. */
        /* The counter only grows; a value the drop poll already passed adds nothing. The
         * difference is taken modulo 2^32 on purpose (the kernel's counter wraps). */
        if (m.has_ovfl && current && (int32_t)(m.ovfl - c->last_ovfl) > 0) {
                f.rxq_ovfl_delta = m.ovfl - c->last_ovfl;
                c->last_ovfl = m.ovfl;
                STAT_ADD(c->st.kernel_drops, f.rxq_ovfl_delta);
                rx->dropped = true;
        }
        if (current) {
                c->err_streak = 0;
                c->seen = true;
        }
        rx->nframes++;
        if (c->iter != rx->iter) {
                c->iter = rx->iter;
                c->iter_frames = 0;
        }
        if (++c->iter_frames > rx->busiest)
                rx->busiest = c->iter_frames;
        if (c->paused) {
                /* Behind held frames of its channel: keeps per-channel order. */
                rx->held[rx->nheld++] = f;
                c->nheld++;
        } else {
                rx->batch[rx->nbatch++] = f;
        }
}

static void on_recv_cqe(struct engine_rx *rx, const struct io_uring_cqe *cqe)
{
        uint64_t ud = io_uring_cqe_get_data64(cqe);
        unsigned ch = ud & 0xffff;
        uint32_t gen = (uint32_t)(ud >> 16);
        struct rx_chan *c = &rx->ch[ch];
        bool current = gen == c->gen;

        if (cqe->flags & IORING_CQE_F_BUFFER)
                on_frame(rx, ch, current, (uint16_t)(cqe->flags >> IORING_CQE_BUFFER_SHIFT),
                         (unsigned)cqe->res);
        if (cqe->res == -ENOBUFS) {
                STAT_ADD(c->st.enobufs, 1);
        } else if (cqe->res < 0 && cqe->res != -ECANCELED) {
                STAT_ADD(c->st.errors, 1);
                STAT_SET(c->st.last_error, cqe->res);
                if (current)
                        c->err_streak++;
        }
        if (cqe->flags & IORING_CQE_F_MORE)
                return;
        rx->inflight--;
        if (!current)
                return;
        c->armed = false;
        c->cancel_sent = false;
        if (cqe->res != -ECANCELED)
                c->rearm_due = true;
        if (c->err_streak >= ERR_STREAK_MAX)
                c->failed = true;
        rx->dirty = true;
        chan_state(c);
}

/* Re-armed by keep_timer() after the poll, if some channel still needs polling. */
static void on_timer_cqe(struct engine_rx *rx)
{
        rx->timer_armed = false;
        rx->poll_due = true;
}

static void on_wake_cqe(struct engine_rx *rx)
{
        rx->wake_armed = false;
        /* The wake itself carries no work: the loop checks stop and socket requests every
         * iteration. It only has to be re-armed. */
        if (!rx->stopping)
                arm_wake(rx);
}

/* Reaps completions until the CQ is empty or batch_max frames are waiting for the sink. */
/*
 * The kernel reports a socket's drop counter (SO_RXQ_OVFL) only along with the next frame it
 * delivers, so drops after the last frame of a burst would stay unreported for as long as the bus
 * stays quiet. Every drop_poll_ns the loop reads the same counter with SO_MEMINFO and hands any
 * unreported increase to the sink as a drop notice (a frame entry without a frame), in the
 * channel's order.
 */
static void poll_drops(struct engine_rx *rx)
{
        if (!rx->poll_due)
                return;
        rx->poll_due = false;
        for (unsigned ch = 0; ch < rx->cfg.nchannels; ch++) {
                struct rx_chan *c = &rx->ch[ch];
                uint32_t mem[SK_MEMINFO_VARS];
                socklen_t len = sizeof(mem);
                struct engine_rx_frame f;
                /* Only a full receive queue drops (CAN_RAW has no other reason that counts), and a
                 * full queue that the loop reads delivers frames after the drop. While frames keep
                 * coming, those queued after a drop carry the new count (SO_RXQ_OVFL); so a socket
                 * that is read needs the poll only once it went quiet (frames in the last period,
                 * none in this one). One that is not read (paused, parked, not armed) is polled
                 * every period. This keeps the poll from costing a system call per channel and
                 * period while every channel is busy. */
                bool due = c->paused || c->failed || !c->armed || (c->seen_prev && !c->seen);

                c->seen_prev = c->seen;
                c->seen = false;
                if (c->fd < 0 || !due || getsockopt(c->fd, SOL_SOCKET, SO_MEMINFO, mem, &len) < 0 ||
                    len <= SK_MEMINFO_DROPS * sizeof(uint32_t) ||
                    (int32_t)(mem[SK_MEMINFO_DROPS] - c->last_ovfl) <= 0)
                        continue;
                memset(&f, 0, sizeof(f));
                f.channel = (uint16_t)ch;
                f.rxq_ovfl_delta = mem[SK_MEMINFO_DROPS] - c->last_ovfl;
                f.bid = ENGINE_RX_NO_BUFFER;
                c->last_ovfl = mem[SK_MEMINFO_DROPS];
                STAT_ADD(c->st.kernel_drops, f.rxq_ovfl_delta);
                rx->dropped = true;
                if (c->paused) {
                        rx->held[rx->nheld++] = f;
                        c->nheld++;
                } else {
                        rx->batch[rx->nbatch++] = f;
                }
        }
}

/*
 * The drop poll's timer runs only while some channel may need a poll in a coming period: one that
 * is not being read (paused, parked, not armed), or one that brought frames in this period or the
 * last (it may go quiet with drops unreported). A loop whose channels are all armed and have been
 * quiet for a whole period cannot miss a drop (a socket drops only with a full queue, and a full
 * queue that is read brings frames first), so it lets the timer go and sleeps until a frame or a
 * request comes: an idle service does not wake ten times a second. The timerfd keeps running;
 * the read armed again when frames return completes at once, and the poll that follows finds
 * those channels busy.
 */
static bool timer_wanted(const struct engine_rx *rx)
{
        for (unsigned ch = 0; ch < rx->cfg.nchannels; ch++) {
                const struct rx_chan *c = &rx->ch[ch];

                if (c->fd >= 0 && (c->paused || c->failed || !c->armed || c->seen || c->seen_prev))
                        return true;
        }
        return false;
}

static void keep_timer(struct engine_rx *rx)
{
        if (!rx->timer_armed && !rx->stopping && timer_wanted(rx))
                arm_timer(rx);
}

static void reap(struct engine_rx *rx)
{
        struct io_uring_cqe *cqe;
        unsigned head, n = 0;

        io_uring_for_each_cqe(&rx->ring, head, cqe)
        {
                if (rx->nbatch >= rx->batch_max)
                        break;
                n++;
                switch (io_uring_cqe_get_data64(cqe) >> 56) {
                case UD_RECV:
                        on_recv_cqe(rx, cqe);
                        break;
                case UD_WAKE:
                        on_wake_cqe(rx);
                        break;
                case UD_TIMER:
                        on_timer_cqe(rx);
                        break;
                default: /* cancel results and liburing's own timeouts: nothing to do */
                        break;
                }
        }
        io_uring_cq_advance(&rx->ring, n);
        STAT_ADD(rx->st.cqes, n);
}

/* ---- the sink and back-pressure ---- */

static void pause_chan(struct engine_rx *rx, unsigned ch)
{
        struct rx_chan *c = &rx->ch[ch];

        if (c->paused)
                return;
        c->paused = true;
        STAT_ADD(c->st.pauses, 1);
        /* Without a recvmsg the socket's queue fills and the kernel drops and counts (SO_RXQ_OVFL);
         * leaving it armed would drain the socket into buffers that cannot be released. */
        cancel_recv(rx, ch);
        if (!rx->resume_at)
                rx->resume_at = now_ns() + rx->pause_ns;
        chan_state(c);
}

/* Offers frames[0..n) to the sink; returns how many it took, or a fatal -errno. */
static int offer(struct engine_rx *rx, struct engine_rx_frame *frames, unsigned n)
{
        int r = rx->cfg.sink(rx->cfg.sink_ctx, frames, n);

        rx->idle_due = true;
        STAT_ADD(rx->st.sink_calls, 1);
        if (n > rx->st.max_batch)
                STAT_SET(rx->st.max_batch, n);
        if (r == -EAGAIN)
                r = 0;
        if (r < 0)
                return r;
        if ((unsigned)r > n)
                return -ERANGE;
        if ((unsigned)r < n)
                STAT_ADD(rx->st.backpressure, 1);
        for (unsigned i = 0; i < (unsigned)r; i++) {
                if (!frames[i].frame)
                        continue; /* a drop notice: no frame, no buffer */
                STAT_ADD(rx->ch[frames[i].channel].st.frames, 1);
                STAT_ADD(rx->st.frames, 1);
                recycle(rx, frames[i].bid);
        }
        return r;
}

static void set_fatal(struct engine_rx *rx, int e)
{
        if (!rx->fatal)
                rx->fatal = e;
}

/*
 * Offers a[0..n) to the sink until every frame is taken or belongs to a refused channel. When the
 * sink stops at frame k, frame k's channel is refused: its frames from k on move, in order, to
 * out; the other channels' frames from k on are offered again at once, so one channel's
 * back-pressure does not hold the others back. a is reused as scratch. Returns the number of
 * frames put in out (which must not overlap a); the caller clears the refused marks.
 */
static unsigned offer_split(struct engine_rx *rx, struct engine_rx_frame *a, unsigned n,
                            struct engine_rx_frame *out)
{
        unsigned nout = 0;

        while (n) {
                unsigned k = 0;
                if (!rx->fatal) {
                        int r = offer(rx, a, n);
                        if (r < 0)
                                set_fatal(rx, r);
                        else
                                k = (unsigned)r;
                }
                if (k == n)
                        break;
                if (rx->fatal) {
                        /* Nothing more goes to the sink; the loop drains and discards. */
                        memcpy(out + nout, a + k, (n - k) * sizeof(*a));
                        nout += n - k;
                        break;
                }
                rx->ch[a[k].channel].refused = true;
                unsigned w = 0;
                for (unsigned i = k; i < n; i++) {
                        if (rx->ch[a[i].channel].refused)
                                out[nout++] = a[i];
                        else
                                a[w++] =
                                    a[i]; /* w <= i - k: never overwrites what is still unread */
                }
                n = w;
        }
        return nout;
}

static void sink_batch(struct engine_rx *rx)
{
        if (!rx->nbatch)
                return;
        struct engine_rx_frame *out = rx->held + rx->nheld;
        unsigned nout = offer_split(rx, rx->batch, rx->nbatch, out);
        for (unsigned i = 0; i < nout; i++) {
                struct rx_chan *c = &rx->ch[out[i].channel];
                c->refused = false;
                c->nheld++;
                pause_chan(rx, out[i].channel);
        }
        rx->nheld += nout;
        rx->nbatch = 0;
}

/* Offers the held frames again once the pause is over; channels left with nothing held resume. */
static void retry_held(struct engine_rx *rx, bool force)
{
        if (!rx->nheld || rx->fatal)
                return;
        uint64_t now = now_ns();
        if (!force && now < rx->resume_at)
                return;
        for (unsigned i = 0; i < rx->nheld; i++)
                rx->ch[rx->held[i].channel].nheld = 0;
        unsigned nout = offer_split(rx, rx->held, rx->nheld, rx->batch);
        for (unsigned i = 0; i < nout; i++) {
                struct rx_chan *c = &rx->ch[rx->batch[i].channel];
                c->refused = false;
                c->nheld++;
        }
        /* Every channel with held frames is paused; those with none left resume. (held[] was
         * scratch for offer_split, so the channels are looked up, not taken from it.) */
        for (unsigned i = 0; i < rx->cfg.nchannels; i++) {
                struct rx_chan *c = &rx->ch[i];
                if (c->paused && c->nheld == 0) {
                        c->paused = false;
                        rx->dirty = true;
                        chan_state(c);
                }
        }
        memcpy(rx->held, rx->batch, nout * sizeof(*rx->held));
        rx->nheld = nout;
        rx->resume_at = nout ? now + rx->pause_ns : 0;
}

/* ---- the loop ---- */

static void begin_stop(struct engine_rx *rx)
{
        rx->stopping = true;
        for (unsigned i = 0; i < rx->cfg.nchannels; i++)
                cancel_recv(rx, i);
        cancel_counter_read(rx, UD_WAKE, rx->wake_armed);
        cancel_counter_read(rx, UD_TIMER, rx->timer_armed);
}

static int setup_ring(struct engine_rx *rx, const struct engine_features *f, char *err,
                      size_t errlen)
{
        struct io_uring_params p;
        unsigned nch = rx->cfg.nchannels;

        memset(&p, 0, sizeof(p));
        /* Per iteration at most a cancel and an arm per channel, plus the wake read. */
        unsigned sq = roundup_pow2(2 * nch + 8);
        p.flags = engine_features_setup_flags(f) | IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP;
        /* Outstanding CQEs: one per buffer in use, plus terminations and cancel results. */
        p.cq_entries = roundup_pow2(rx->nbufs + 4 * nch + 16);
        int ret = io_uring_queue_init_params(sq, &rx->ring, &p);
        if (ret) {
                set_err(err, errlen, "%s: %s", "io_uring_queue_init_params", ret);
                return ret;
        }
        struct io_uring_buf_reg reg;
        memset(&reg, 0, sizeof(reg));
        reg.ring_addr = (unsigned long)rx->br;
        reg.ring_entries = rx->nbufs;
        reg.bgid = BGID;
        ret = io_uring_register_buf_ring(&rx->ring, &reg, 0);
        if (ret) {
                set_err(err, errlen, "%s: %s", "io_uring_register_buf_ring", ret);
                io_uring_queue_exit(&rx->ring);
                return ret;
        }
        io_uring_buf_ring_init(rx->br);
        for (unsigned i = 0; i < rx->nbufs; i++)
                recycle(rx, (uint16_t)i);
        flush_recycle(rx);
        return 0;
}

/* Undoes setup_ring(): in-flight requests are cancelled as the ring goes. */
static void teardown_ring(struct engine_rx *rx)
{
        io_uring_unregister_buf_ring(&rx->ring, BGID);
        io_uring_queue_exit(&rx->ring);
}

static int pin(struct engine_rx *rx, char *err, size_t errlen)
{
        cpu_set_t set;

        if (!rx->cfg.pin_cpu)
                return 0;
        if (rx->cfg.cpu < 0 || rx->cfg.cpu >= CPU_SETSIZE) {
                if (errlen)
                        snprintf(err, errlen, "cannot pin the engine thread to CPU %d: no such CPU",
                                 rx->cfg.cpu);
                return -EINVAL;
        }
        CPU_ZERO(&set);
        CPU_SET(rx->cfg.cpu, &set);
        int ret = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
        if (ret) {
                if (errlen)
                        snprintf(err, errlen, "cannot pin the engine thread to CPU %d: %s",
                                 rx->cfg.cpu, strerror(ret));
                return -ret;
        }
        return 0;
}

/*
 * The loop is about to sleep: tell the sink (cfg.idle) if it was called since the last sleep
 * that was not brief. BRIEF is the coalescing linger, after which the loop looks again: the sink
 * may go on deferring then, so the sleep after it (one that waits for the next completion) still
 * counts as due. Returns what the sink answered: how long its consumers can wait (ns; 0 = no
 * answer).
 */
static uint64_t go_idle(struct engine_rx *rx, bool brief)
{
        if (!rx->idle_due || !rx->cfg.idle)
                return 0;
        if (!brief)
                rx->idle_due = false;
        return rx->cfg.idle(rx->cfg.sink_ctx, brief);
}

static bool wait_error(int ret)
{
        return ret < 0 && ret != -ETIME && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY;
}

/*
 * Submits what is queued and waits for at least one completion. The periodic work (the drop
 * counter poll) comes as a timerfd completion, so the wait needs no timeout and the loop reads no
 * clock, unless held frames wait for their retry.
 */
static int wait_cqes(struct engine_rx *rx)
{
        struct io_uring_cqe *cqe;
        struct __kernel_timespec ts, *tsp = NULL;
        int ret;

        if (rx->idle_due && rx->cfg.idle) {
                /* cfg.idle is for a wait that sleeps. Whether it would is known only once the
                 * sockets' receive work has run (with DEFER_TASKRUN it runs inside the wait), so
                 * look first without waiting: the same system call the wait would have been when
                 * there is something, one more when the loop then sleeps. */
                ret = io_uring_submit_and_get_events(&rx->ring);
                if (wait_error(ret))
                        return ret;
                if (io_uring_cq_ready(&rx->ring)) {
                        STAT_ADD(rx->st.iterations, 1);
                        return 0;
                }
                (void)go_idle(rx, false);
                rx->lingered_ns = 0; /* the stream paused: what comes next starts a new one */
        }
        if (rx->nheld && !rx->fatal) {
                uint64_t now = now_ns();
                uint64_t left = rx->resume_at > now ? rx->resume_at - now : 0;
                ts.tv_sec = (long long)(left / 1000000000u);
                ts.tv_nsec = (long long)(left % 1000000000u);
                tsp = &ts;
        }
        STAT_ADD(rx->st.iterations, 1);
        ret = io_uring_submit_and_wait_timeout(&rx->ring, &cqe, 1, tsp, NULL);
        return wait_error(ret) ? ret : 0;
}

/*
 * Completion coalescing. With DEFER_TASKRUN the kernel wakes a waiting loop as soon as one socket
 * has data, whatever the wait's min_complete, so a loop that is always waiting pays one wake-up and
 * one io_uring_enter per few frames. A loop that is not waiting leaves the sockets' receive work
 * queued (one task-work item per socket, however many frames arrive) and the next io_uring_enter
 * drains every socket in one go. So after an iteration that brought frames, but not so many that
 * the loop is behind, the thread sleeps for coalesce_ns before it waits again. An isolated frame is
 * still handed on at once (the sleep comes after it); frames of a burst wait at most coalesce_ns
 * longer. Nothing is lost meanwhile: frames queue in the sockets' receive buffers.
 *
 * While a stream flows (this iteration followed a linger and brought frames), the sleep may be
 * longer: as long as the sink says its consumers can wait (a sink that defers their wake-ups
 * until the frames owed span a budget gains nothing from frames handed to it sooner). A slow
 * stream then costs one iteration per consumer wake-up instead of one per coalesce_ns. Bounds,
 * each measured on this iteration's frames, which came in about the last linger's time: at most
 * LINGER_MAX_PERIODS times coalesce_ns; no longer than it would take, at that rate, to fill half
 * of the buffers, or to bring LINGER_MAX_QUEUED frames to the busiest channel's socket (whose
 * receive buffer must hold them: a few hundred fit a default one); and not at all after an
 * iteration that saw a socket drop. (The rate bounds alone would let a stream that its socket
 * throttles, so that fewer frames come than are sent, stretch the sleep further each time.) The
 * first linger after a pause keeps coalesce_ns, so an isolated frame, or a burst that ends within
 * that linger, is handed on as soon as before; later frames of a stream wait at most what the
 * sink allows (in the service, the readers' wake-up budget, which they waited for in the ring
 * before). Readers that happen to be awake see them that much later.
 */
#define LINGER_MAX_PERIODS 8u
#define LINGER_MAX_QUEUED  256u

static uint64_t linger_ns(const struct engine_rx *rx, uint64_t prev_ns, uint64_t sink_wait_ns)
{
        uint64_t ns = rx->coalesce_ns, longer = sink_wait_ns;

        if (!prev_ns || rx->dropped || sink_wait_ns <= ns)
                return ns;
        uint64_t most = ns * LINGER_MAX_PERIODS;
        uint64_t fill_ns = prev_ns * (rx->nbufs / 2) / rx->nframes;
        uint64_t queue_ns = prev_ns * LINGER_MAX_QUEUED / rx->busiest;

        longer = longer < most ? longer : most;
        longer = longer < fill_ns ? longer : fill_ns;
        longer = longer < queue_ns ? longer : queue_ns;
        return longer > ns ? longer : ns;
}

static void linger(struct engine_rx *rx)
{
        uint64_t prev_ns = rx->lingered_ns;

        rx->lingered_ns = 0;
        /* Not when there is something to submit (a cancel, an arm, a socket change must not wait)
         * or to retry, nor when the loop is behind or stopping. */
        if (!rx->coalesce_ns || !rx->nframes || rx->nframes >= rx->nbufs / 2 || rx->stopping ||
            rx->nheld || rx->dirty || io_uring_sq_ready(&rx->ring))
                return;
        uint64_t sink_wait_ns = go_idle(rx, true);
        uint64_t ns = linger_ns(rx, prev_ns, sink_wait_ns);
        struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000u),
                              .tv_nsec = (long)(ns % 1000000000u)};
        /* The eventfd stays readable until the loop's read of it runs: a stop or a socket request
         * that comes meanwhile ends the sleep at once. */
        struct pollfd pfd = {.fd = rx->efd, .events = POLLIN};
        STAT_ADD(rx->st.long_lingers, ns > rx->coalesce_ns);
        if (ns > rx->st.longest_linger_ns)
                STAT_SET(rx->st.longest_linger_ns, ns);
        ppoll(&pfd, 1, &ts, NULL);
        rx->lingered_ns = ns;
}

int engine_rx_run(struct engine_rx *rx, char *err, size_t errlen)
{
        const struct engine_features *f =
            rx->cfg.features ? rx->cfg.features : engine_features_get();
        int ret;

        if (errlen)
                err[0] = '\0';
        ret = engine_features_require(f, err, errlen);
        if (ret)
                return ret;
        ret = pin(rx, err, errlen);
        if (ret)
                return ret;
        /* The ring is made here, on the thread that will submit: SINGLE_ISSUER binds it to us. */
        ret = setup_ring(rx, f, err, errlen);
        if (ret)
                return ret;

        rx->inflight = 0;
        rx->stopping = false;
        rx->fatal = 0;
        rx->resume_at = 0;
        rx->poll_due = false;
        rx->idle_due = false;
        rx->dirty = true;
        struct itimerspec its = {
            .it_interval = {.tv_sec = (time_t)(rx->drop_poll_ns / 1000000000u),
                            .tv_nsec = (long)(rx->drop_poll_ns % 1000000000u)}};
        its.it_value = its.it_interval;
        if (timerfd_settime(rx->tfd, 0, &its, NULL)) {
                ret = -errno;
                set_err(err, errlen, "%s: %s", "timerfd_settime", ret);
                teardown_ring(rx);
                return ret;
        }
        /* A new run gives parked channels another chance. */
        for (unsigned i = 0; i < rx->cfg.nchannels; i++) {
                rx->ch[i].failed = false;
                rx->ch[i].err_streak = 0;
        }
        arm_wake(rx);
        arm_timer(rx);
        apply_requests(rx);

        for (;;) {
                /* acquire: pairs with the release in engine_rx_stop() */
                if (!rx->stopping &&
                    (rx->fatal || __atomic_load_n(&rx->stop_req, __ATOMIC_ACQUIRE)))
                        begin_stop(rx);
                if (rx->stopping && rx->inflight == 0 && !rx->wake_armed && !rx->timer_armed)
                        break;
                arm_channels(rx);
                ret = wait_cqes(rx);
                if (ret < 0) {
                        /* The ring itself failed: nothing more can be reaped. Tearing it down
                         * cancels what is still in flight. */
                        set_err(err, errlen, "%s: %s", "io_uring_submit_and_wait_timeout", ret);
                        set_fatal(rx, ret);
                        break;
                }
                rx->nframes = rx->busiest = 0;
                rx->dropped = false;
                rx->iter++;
                reap(rx);
                poll_drops(rx);
                keep_timer(rx);
                sink_batch(rx);
                retry_held(rx, false);
                flush_recycle(rx);
                apply_requests(rx);
                STAT_SET(rx->st.held, rx->nheld);
                linger(rx);
        }

        /* Everything the kernel delivered has been reaped; one last offer for held frames. */
        retry_held(rx, true);
        (void)go_idle(rx, false);
        STAT_ADD(rx->st.stop_discarded, rx->nheld);
        for (unsigned i = 0; i < rx->nheld; i++)
                rx->ch[rx->held[i].channel].nheld = 0;
        rx->nheld = 0;
        rx->nrecycle = 0;
        STAT_SET(rx->st.held, 0);
        for (unsigned i = 0; i < rx->cfg.nchannels; i++) {
                struct rx_chan *c = &rx->ch[i];
                c->armed = c->cancel_sent = c->paused = false;
                chan_state(c);
        }
        struct itimerspec off;
        memset(&off, 0, sizeof(off));
        timerfd_settime(rx->tfd, 0, &off, NULL);
        teardown_ring(rx);
        __atomic_store_n(&rx->stop_req, 0, __ATOMIC_RELAXED);

        if (rx->fatal) {
                if (errlen && !err[0])
                        snprintf(err, errlen, "the sink failed: %s", strerror(-rx->fatal));
                return rx->fatal;
        }
        return 0;
}

static void *thread_main(void *arg)
{
        struct engine_rx *rx = arg;
        /* A name in ps/top and /proc/PID/task/TID/comm, so time spent shows per thread. */
        pthread_setname_np(pthread_self(), "canring-rx");
        rx->thread_ret = engine_rx_run(rx, rx->thread_err, sizeof(rx->thread_err));
        return NULL;
}

int engine_rx_start(struct engine_rx *rx)
{
        int ret = pthread_create(&rx->thread, NULL, thread_main, rx);
        return -ret;
}

int engine_rx_join(struct engine_rx *rx, char *err, size_t errlen)
{
        int ret = pthread_join(rx->thread, NULL);
        if (ret)
                return -ret;
        if (errlen)
                snprintf(err, errlen, "%s", rx->thread_err);
        return rx->thread_ret;
}

static void copy_u64s(uint64_t *dst, const uint64_t *src, size_t n)
{
        for (size_t i = 0; i < n; i++)
                dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
}

void engine_rx_get_stats(const struct engine_rx *rx, struct engine_rx_stats *out)
{
        _Static_assert(sizeof(*out) % sizeof(uint64_t) == 0, "stats are u64 only");
        copy_u64s((uint64_t *)out, (const uint64_t *)&rx->st, sizeof(*out) / sizeof(uint64_t));
}

int engine_rx_get_chan_stats(const struct engine_rx *rx, unsigned ch,
                             struct engine_rx_chan_stats *out)
{
        _Static_assert(sizeof(*out) % sizeof(uint64_t) == 0, "stats are u64 only");
        if (ch >= rx->cfg.nchannels)
                return -EINVAL;
        copy_u64s((uint64_t *)out, (const uint64_t *)&rx->ch[ch].st,
                  sizeof(*out) / sizeof(uint64_t));
        return 0;
}
