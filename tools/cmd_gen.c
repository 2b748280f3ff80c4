/* SPDX-License-Identifier: MIT */
/*
 * `canring gen [options] IF...`: a load generator with cangen's options and frame patterns
 * (tools/gen_pattern.c), on one or several interfaces at once, paced by a gap, a burst size or a
 * frame rate, or at full speed with one send(2) per frame or batched io_uring sends (--uring).
 *
 * Each interface has its own socket and its own generator; one thread serves them all in turns.
 * A turn generates the frames that are due into a per-interface buffer and offers them to the
 * kernel. A full interface queue (ENOBUFS, which poll cannot see) pauses only that interface for
 * a short, growing back-off; its frames stay in the buffer and are offered again in order.
 */
#define _GNU_SOURCE /* clock_nanosleep, prctl */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <liburing.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>

#include "canring/text.h"
#include "canring/tx.h"
#include "commands.h"
#include "gen_pattern.h"
#include "tool_signals.h"

#define OPTSTRING "g:efbERmI:L:D:p:n:ixc:v8h"

#define GEN_MAX_IFS       256
#define GEN_BATCH_DEFAULT 256
#define GEN_BATCH_MAX     4096
#define GEN_SYNC_TURN     64      /* frames per interface and turn without --uring */
#define GEN_RING_MAX      32768   /* io_uring's limit on submission queue entries */
#define GEN_BACKOFF_MIN   100000  /* ns: about one 8-byte frame at 1 Mbit/s */
#define GEN_BACKOFF_MAX   5000000 /* ns */

struct gen_if {
        struct canring_tx tx;
        struct gen_state gen;
        struct canfd_frame *frames; /* generated, not yet accepted: [head, tail) */
        size_t *mtus;
        size_t head, tail;
        uint64_t generated;  /* frames taken from the generator */
        uint64_t sent;       /* frames the kernel accepted */
        uint64_t dropped;    /* frames given up on ENOBUFS with -i */
        uint64_t retries;    /* ENOBUFS (or EAGAIN) refusals that were waited out */
        int64_t retry_at;    /* CLOCK_MONOTONIC ns: paused until then after a refusal */
        int64_t backoff;     /* next pause, ns */
        int64_t stuck_since; /* first refusal of the frame at head, 0 when it is not refused */
        size_t ok;           /* uring turn: frames accepted */
        int fail_res;        /* uring turn: result of the first refused frame, 0 for none */
        bool submitted;      /* uring turn: this interface had frames in the ring */
};

struct gen_run {
        struct gen_if *ifs;
        size_t nifs;
        size_t cap;     /* frames per interface per turn (the buffer size) */
        uint64_t count; /* frames per interface, 0: until a signal */
        int64_t gap_ns; /* time between bursts, 0: full speed */
        uint64_t burst; /* frames per gap */
        int timeout_ms; /* how long one frame may be refused (-1 forever, 0 not at all) */
        bool ignore_enobufs;
        int verbose;
        bool uring;
        struct io_uring ring;
        int64_t t0;
};

static void usage(FILE *out)
{
        fprintf(
            out,
            "usage: canring gen [options] IF...\n"
            "  Generates frames on each interface IF (same settings, own sequence each).\n"
            "  cangen options:\n"
            "    -g MS        gap between bursts in ms, decimals allowed (default 200)\n"
            "    -e           extended (29-bit) ids      -f  CAN FD frames\n"
            "    -b           CAN FD with bit rate switch  -E  CAN FD with error state\n"
            "    -R           remote frames (classic)    -8  raw DLC 9..15 on 8-byte frames\n"
            "    -m           mix -e -f -b -E -R at random per frame\n"
            "    -I MODE      id: r random (default), i increment, or a fixed hex id\n"
            "    -L MODE      length: r, i, or fixed bytes (0..8, FD up to 64)\n"
            "    -D MODE      data: r, i (little-endian frame counter), or fixed hex bytes\n"
            "                 ('x' nibbles are random)\n"
            "    -n COUNT     stop after COUNT frames per interface (default: until SIGINT)\n"
            "    -c N, --burst N  frames per gap (default 1)\n"
            "    -p MS        wait at most MS for room when the interface queue is full\n"
            "                 (ENOBUFS; default 5000, -1 forever, 0 fail at once)\n"
            "    -i           ignore ENOBUFS: drop the frame and go on\n"
            "    -x           disable local loopback of the generated frames\n"
            "    -v           print frames (-v -v long form)\n"
            "  canring options:\n"
            "    --rate FPS   frames per second per interface (instead of -g)\n"
            "    --uring      batched io_uring sends (for saturation)\n"
            "    --batch N    frames per interface per io_uring submit (default %d, max %d)\n"
            "    --seed N     seed of the random values (default: from the clock)\n"
            "  A summary (frames sent per interface, ENOBUFS retries, elapsed) goes to stderr.\n",
            GEN_BATCH_DEFAULT, GEN_BATCH_MAX);
}

static int64_t now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Sleeps until the CLOCK_MONOTONIC time T (ns); a signal ends the sleep early. */
static void sleep_until(int64_t t)
{
        struct timespec ts = {.tv_sec = t / 1000000000, .tv_nsec = t % 1000000000};
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static bool parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
        char *end;
        if (*s == '-' || *s == '+')
                return false;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno || end == s || *end || v < min || v > max)
                return false;
        *out = v;
        return true;
}

static bool parse_double(const char *s, double min, double max, double *out)
{
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        if (errno || end == s || *end || !isfinite(v) || v < min || v > max)
                return false;
        *out = v;
        return true;
}

/* Frames of interface GI that may be generated by time NOW (pacing and -n). */
static uint64_t frames_due(const struct gen_run *r, int64_t now)
{
        uint64_t due = UINT64_MAX;
        if (r->gap_ns > 0)
                due = ((uint64_t)((now - r->t0) / r->gap_ns) + 1) * r->burst;
        if (r->count && due > r->count)
                due = r->count;
        return due;
}

static void print_frame(const struct gen_if *gi, const struct canfd_frame *f, size_t mtu,
                        int verbose)
{
        char buf[CANRING_FRAME_LONG_MAX];
        if (verbose > 1)
                canring_frame_print_long(buf, sizeof(buf), f, mtu,
                                         verbose > 2 ? CANRING_VIEW_ASCII : 0);
        else
                canring_frame_print(buf, sizeof(buf), f, mtu, CANRING_PRINT_SEP);
        printf("  %s  %s\n", gi->tx.ifname, buf);
}

/* Tops up the buffer of GI once it is empty, with the frames due by NOW. */
static void refill(struct gen_run *r, struct gen_if *gi, int64_t now)
{
        if (gi->head < gi->tail)
                return;
        gi->head = gi->tail = 0;
        uint64_t due = frames_due(r, now);
        while (gi->tail < r->cap && gi->generated < due) {
                gen_next(&gi->gen, &gi->frames[gi->tail], &gi->mtus[gi->tail]);
                if (r->verbose)
                        print_frame(gi, &gi->frames[gi->tail], gi->mtus[gi->tail], r->verbose);
                gi->tail++;
                gi->generated++;
        }
}

static void accepted(struct gen_if *gi, size_t n)
{
        if (!n)
                return;
        gi->head += n;
        gi->sent += n;
        gi->stuck_since = 0;
        gi->backoff = GEN_BACKOFF_MIN;
}

/*
 * The kernel refused the frame at GI's head with RES. A full queue pauses the interface (or,
 * with -i, drops the frame); anything else, or a queue full for longer than -p, is fatal.
 */
static int refused(struct gen_run *r, struct gen_if *gi, int res, int64_t now)
{
        if (res != -ENOBUFS && res != -EAGAIN) {
                fprintf(stderr, "canring gen: %s: send: %s\n", gi->tx.ifname, strerror(-res));
                return -1;
        }
        if (r->ignore_enobufs) {
                gi->head++;
                gi->dropped++;
                return 0;
        }
        if (!gi->stuck_since)
                gi->stuck_since = now;
        if (r->timeout_ms >= 0 && now - gi->stuck_since >= (int64_t)r->timeout_ms * 1000000) {
                fprintf(stderr,
                        "canring gen: %s: the interface queue stayed full for %d ms (is the bus "
                        "up, and does another node acknowledge frames?)\n",
                        gi->tx.ifname, r->timeout_ms);
                return -1;
        }
        gi->retries++;
        gi->retry_at = now + gi->backoff;
        if (gi->backoff < GEN_BACKOFF_MAX)
                gi->backoff *= 2;
        return 0;
}

static bool ready(const struct gen_if *gi, int64_t now)
{
        return gi->head < gi->tail && gi->retry_at <= now;
}

/* One send(2) per frame, in order, until the buffer is empty or the kernel refuses one. */
static int flush_sync(struct gen_run *r, int64_t now)
{
        for (size_t i = 0; i < r->nifs; i++) {
                struct gen_if *gi = &r->ifs[i];
                if (!ready(gi, now))
                        continue;
                while (gi->head < gi->tail) {
                        int ret =
                            canring_tx_send(&gi->tx, &gi->frames[gi->head], gi->mtus[gi->head], 0);
                        if (ret == 0) {
                                accepted(gi, 1);
                                continue;
                        }
                        if (refused(r, gi, ret, now) < 0)
                                return -1;
                        if (!r->ignore_enobufs)
                                break;
                }
        }
        return 0;
}

/*
 * All buffered frames of every ready interface in one submit. Each interface's frames form one
 * IOSQE_IO_LINK chain: the kernel sends them one after the other, and the first refusal cancels
 * the rest (-ECANCELED), so what went out is always a prefix and the order on the bus is the
 * order generated. Without the link a refused frame could be overtaken by the next one.
 */
static int flush_uring(struct gen_run *r, int64_t now)
{
        unsigned total = 0;

        for (size_t i = 0; i < r->nifs; i++) {
                struct gen_if *gi = &r->ifs[i];
                gi->submitted = ready(gi, now);
                gi->ok = 0;
                gi->fail_res = 0;
                if (!gi->submitted)
                        continue;
                for (size_t j = gi->head; j < gi->tail; j++) {
                        /* never NULL: the ring has room for every interface's whole buffer */
                        struct io_uring_sqe *sqe = io_uring_get_sqe(&r->ring);
                        io_uring_prep_send(sqe, gi->tx.fd, &gi->frames[j], gi->mtus[j], 0);
                        if (j + 1 < gi->tail)
                                sqe->flags |= IOSQE_IO_LINK;
                        io_uring_sqe_set_data64(sqe, (uint64_t)i << 32 | j);
                        total++;
                }
        }
        if (!total)
                return 0;
        int ret = io_uring_submit(&r->ring);
        if (ret < 0) {
                fprintf(stderr, "canring gen: io_uring_submit: %s\n", strerror(-ret));
                return -1;
        }
        for (unsigned reaped = 0; reaped < total;) {
                struct io_uring_cqe *cqe;
                ret = io_uring_wait_cqe(&r->ring, &cqe);
                if (ret == -EINTR)
                        continue; /* the sends are in flight: their completions must be reaped */
                if (ret < 0) {
                        fprintf(stderr, "canring gen: io_uring_wait_cqe: %s\n", strerror(-ret));
                        return -1;
                }
                unsigned head, n = 0;
                io_uring_for_each_cqe(&r->ring, head, cqe)
                {
                        uint64_t d = io_uring_cqe_get_data64(cqe);
                        struct gen_if *gi = &r->ifs[d >> 32];
                        size_t j = (size_t)(d & 0xFFFFFFFFu);
                        if (cqe->res == (int)gi->mtus[j])
                                gi->ok++;
                        else if (cqe->res != -ECANCELED && !gi->fail_res)
                                gi->fail_res = cqe->res < 0 ? cqe->res : -EIO; /* short send */
                        n++;
                }
                io_uring_cq_advance(&r->ring, n);
                reaped += n;
        }
        for (size_t i = 0; i < r->nifs; i++) {
                struct gen_if *gi = &r->ifs[i];
                if (!gi->submitted)
                        continue;
                accepted(gi, gi->ok);
                if (gi->fail_res && refused(r, gi, gi->fail_res, now) < 0)
                        return -1;
        }
        return 0;
}

/* Returns 0 when every interface sent its count or a signal ended the run, -1 on an error. */
static int gen_loop(struct gen_run *r)
{
        r->t0 = now_ns();
        while (!tool_stop_requested()) {
                int64_t now = now_ns();
                bool done = r->count != 0, any_ready = false;
                int64_t wake = INT64_MAX;

                for (size_t i = 0; i < r->nifs; i++) {
                        struct gen_if *gi = &r->ifs[i];
                        refill(r, gi, now);
                        if (!r->count || gi->sent + gi->dropped < r->count)
                                done = false;
                        if (ready(gi, now))
                                any_ready = true;
                        else if (gi->head < gi->tail && gi->retry_at < wake)
                                wake = gi->retry_at;
                }
                if (done)
                        return 0;
                if (!any_ready) {
                        /* the next burst, unless a paused interface is due before it */
                        if (r->gap_ns > 0) {
                                int64_t next = r->t0 + ((now - r->t0) / r->gap_ns + 1) * r->gap_ns;
                                if (next < wake)
                                        wake = next;
                        }
                        if (wake != INT64_MAX)
                                sleep_until(wake);
                        continue;
                }
                if ((r->uring ? flush_uring(r, now) : flush_sync(r, now)) < 0)
                        return -1;
        }
        return 0;
}

static void summary(const struct gen_run *r, int64_t elapsed, bool interrupted)
{
        uint64_t total = 0;
        double secs = (double)elapsed / 1e9;

        for (size_t i = 0; i < r->nifs; i++) {
                const struct gen_if *gi = &r->ifs[i];
                fprintf(stderr,
                        "canring gen: %s: %" PRIu64 " frames sent, %" PRIu64
                        " ENOBUFS retries, %" PRIu64 " dropped\n",
                        gi->tx.ifname, gi->sent, gi->retries, gi->dropped);
                total += gi->sent;
        }
        fprintf(stderr, "canring gen: %" PRIu64 " frames in %.3f s (%.0f frames/s)%s\n", total,
                secs, secs > 0 ? (double)total / secs : 0.0, interrupted ? ", interrupted" : "");
}

int cmd_gen(int argc, char **argv)
{
        enum { OPT_URING = 256, OPT_BATCH, OPT_RATE, OPT_SEED };
        static const struct option opts[] = {
            {"uring", no_argument, NULL, OPT_URING},
            {"batch", required_argument, NULL, OPT_BATCH},
            {"burst", required_argument, NULL, 'c'},
            {"rate", required_argument, NULL, OPT_RATE},
            {"seed", required_argument, NULL, OPT_SEED},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        struct gen_config cfg = {0};
        struct gen_run run = {.burst = 1, .timeout_ms = 5000};
        double gap_ms = 200, rate = 0;
        bool gap_given = false;
        uint64_t batch = GEN_BATCH_DEFAULT, seed = 0, v;
        bool seed_given = false;
        unsigned tx_flags = 0;
        char err[256];
        int c;

        optind = 1;
        opterr = 0; /* our own messages name the command */
        while ((c = getopt_long(argc, argv, OPTSTRING, opts, NULL)) != -1) {
                switch (c) {
                case 'g':
                        if (!parse_double(optarg, 0, 1e9, &gap_ms)) {
                                fprintf(stderr, "canring gen: bad -g '%s' (ms, 0 or more)\n",
                                        optarg);
                                return 2;
                        }
                        gap_given = true;
                        break;
                case 'e':
                        cfg.extended = true;
                        break;
                case 'f':
                        cfg.fd = true;
                        break;
                case 'b':
                        cfg.brs = true;
                        break;
                case 'E':
                        cfg.esi = true;
                        break;
                case 'R':
                        cfg.rtr = true;
                        break;
                case 'm':
                        cfg.mix = true;
                        break;
                case '8':
                        cfg.len8_dlc = true;
                        break;
                case 'I':
                case 'L':
                case 'D':
                        if (gen_mode_parse(&cfg, c, optarg, err, sizeof(err)) < 0) {
                                fprintf(stderr, "canring gen: %s\n", err);
                                return 2;
                        }
                        break;
                case 'p':
                        if (strcmp(optarg, "-1") == 0) {
                                run.timeout_ms = -1;
                        } else if (parse_u64(optarg, 0, 24 * 3600 * 1000, &v)) {
                                run.timeout_ms = (int)v;
                        } else {
                                fprintf(stderr, "canring gen: bad -p '%s' (ms, -1 or more)\n",
                                        optarg);
                                return 2;
                        }
                        break;
                case 'n':
                        if (!parse_u64(optarg, 1, UINT64_MAX / 2, &run.count)) {
                                fprintf(stderr, "canring gen: bad -n '%s' (a count of 1 or more)\n",
                                        optarg);
                                return 2;
                        }
                        break;
                case 'i':
                        run.ignore_enobufs = true;
                        break;
                case 'x':
                        tx_flags |= CANRING_TX_NO_LOOPBACK;
                        break;
                case 'c':
                        if (!parse_u64(optarg, 1, 1000000, &run.burst)) {
                                fprintf(stderr,
                                        "canring gen: bad burst '%s' (frames per gap, 1 or more)\n",
                                        optarg);
                                return 2;
                        }
                        break;
                case 'v':
                        run.verbose++;
                        break;
                case OPT_URING:
                        run.uring = true;
                        break;
                case OPT_BATCH:
                        if (!parse_u64(optarg, 1, GEN_BATCH_MAX, &batch)) {
                                fprintf(stderr, "canring gen: bad --batch '%s' (1..%d)\n", optarg,
                                        GEN_BATCH_MAX);
                                return 2;
                        }
                        break;
                case OPT_RATE:
                        if (!parse_double(optarg, 1e-3, 1e9, &rate)) {
                                fprintf(stderr,
                                        "canring gen: bad --rate '%s' (frames per second, more "
                                        "than 0)\n",
                                        optarg);
                                return 2;
                        }
                        break;
                case OPT_SEED:
                        if (!parse_u64(optarg, 0, UINT64_MAX, &seed)) {
                                fprintf(stderr, "canring gen: bad --seed '%s'\n", optarg);
                                return 2;
                        }
                        seed_given = true;
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        if (optopt >= 256 || (optopt && strchr(OPTSTRING, optopt)))
                                fprintf(stderr, "canring gen: option %s needs a value\n",
                                        argv[optind - 1]);
                        else
                                fprintf(stderr, "canring gen: unknown option '%s'\n",
                                        argv[optind - 1]);
                        usage(stderr);
                        return 2;
                }
        }
        size_t nifs = (size_t)(argc - optind);
        if (nifs == 0) {
                fprintf(stderr, "canring gen: need at least one interface\n");
                usage(stderr);
                return 2;
        }
        if (nifs > GEN_MAX_IFS) {
                fprintf(stderr, "canring gen: at most %d interfaces\n", GEN_MAX_IFS);
                return 2;
        }
        for (size_t i = 0; i < nifs; i++)
                for (size_t j = 0; j < i; j++)
                        if (strcmp(argv[optind + i], argv[optind + j]) == 0) {
                                fprintf(stderr,
                                        "canring gen: interface %s given twice (each interface "
                                        "gets one sequence)\n",
                                        argv[optind + i]);
                                return 2;
                        }
        if (rate > 0 && gap_given) {
                fprintf(stderr, "canring gen: give either -g or --rate, not both\n");
                return 2;
        }
        if (gen_config_check(&cfg, err, sizeof(err)) < 0) {
                fprintf(stderr, "canring gen: %s\n", err);
                return 2;
        }
        if (run.uring && nifs * batch > GEN_RING_MAX) {
                fprintf(stderr,
                        "canring gen: --batch %" PRIu64 " x %zu interfaces exceeds io_uring's %d "
                        "entries\n",
                        batch, nifs, GEN_RING_MAX);
                return 2;
        }
        if (rate > 0)
                run.gap_ns = (int64_t)((double)run.burst * 1e9 / rate + 0.5);
        else
                run.gap_ns = (int64_t)(gap_ms * 1e6 + 0.5);
        if (!seed_given)
                seed = (uint64_t)now_ns() ^ ((uint64_t)getpid() << 32);
        if (cfg.fd)
                tx_flags |= CANRING_TX_FD;
        run.cap = run.uring ? (size_t)batch : GEN_SYNC_TURN;
        run.nifs = nifs;

        int rc = 1;
        bool ring_up = false;
        run.ifs = calloc(nifs, sizeof(*run.ifs));
        if (!run.ifs) {
                fprintf(stderr, "canring gen: out of memory\n");
                return 1;
        }
        for (size_t i = 0; i < nifs; i++)
                run.ifs[i].tx.fd = -1;
        for (size_t i = 0; i < nifs; i++) {
                struct gen_if *gi = &run.ifs[i];
                if (canring_tx_open(&gi->tx, argv[optind + i], tx_flags, err, sizeof(err)) < 0) {
                        fprintf(stderr, "canring gen: %s\n", err);
                        goto out;
                }
                gi->frames = calloc(run.cap, sizeof(*gi->frames));
                gi->mtus = calloc(run.cap, sizeof(*gi->mtus));
                if (!gi->frames || !gi->mtus) {
                        fprintf(stderr, "canring gen: out of memory\n");
                        goto out;
                }
                cfg.seed = seed + i * 0x632BE59BD9B4E019ull; /* distinct stream per interface */
                gen_init(&gi->gen, &cfg);
                gi->backoff = GEN_BACKOFF_MIN;
        }
        if (run.uring) {
                int ret = io_uring_queue_init((unsigned)(nifs * run.cap), &run.ring, 0);
                if (ret < 0) {
                        fprintf(stderr, "canring gen: io_uring_queue_init: %s\n", strerror(-ret));
                        goto out;
                }
                ring_up = true;
        }
        if (run.gap_ns > 0)
                prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0); /* short gaps need precise wake-ups */
        tool_signals_install();

        int ret = gen_loop(&run);
        summary(&run, now_ns() - run.t0, tool_stop_requested());
        rc = ret < 0 ? 1 : 0;
out:
        if (ring_up)
                io_uring_queue_exit(&run.ring);
        for (size_t i = 0; i < nifs; i++) {
                canring_tx_close(&run.ifs[i].tx);
                free(run.ifs[i].frames);
                free(run.ifs[i].mtus);
        }
        free(run.ifs);
        fflush(stdout);
        return rc;
}
