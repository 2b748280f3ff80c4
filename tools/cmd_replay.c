/* SPDX-License-Identifier: MIT */
/*
 * `canring replay [options] [DST=SRC...]`: replays candump .log files (and canring's ns variant)
 * onto CAN interfaces, as canplayer does: with the original timing relative to the first frame,
 * or as fast as possible (-t), once, N times or forever (-l), with interface assignments.
 *
 * A regular file is read twice: a first pass checks every line and opens every interface before
 * the first frame goes out, so a malformed line (reported with its number) or a missing interface
 * sends nothing. Standard input is checked line by line as it is replayed.
 */
#define _GNU_SOURCE /* getline, clock_nanosleep */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "canring/text.h"
#include "canring/tx.h"
#include "commands.h"
#include "tool_signals.h"

#define OPTSTRING "I:l:tg:s:xvh"

#define RP_MAX 64 /* assignments and interfaces */

struct rp_out {
        char name[IFNAMSIZ]; /* interface written to, or "stdout" */
        bool is_stdout;      /* canplayer's hook: print the log line as it is */
        struct canring_tx tx;
        uint64_t frames;
};

struct rp_map {
        char logif[IFNAMSIZ]; /* interface name as logged */
        int out;              /* index into outs */
};

struct rp {
        struct rp_out outs[RP_MAX];
        size_t nouts;
        struct rp_map maps[RP_MAX];
        size_t nmaps;
        bool user_maps; /* assignments given: other log interfaces are skipped */
        unsigned tx_flags;
        int timeout_ms;
        int verbose;
        bool use_ts;
        int64_t gap_ns;  /* -t: pause between frames */
        int64_t skip_ns; /* -s: a jump in the log longer than this is not waited for */
        const char *path;
        /* timing of the current pass */
        bool anchored;
        uint64_t anchor_log, last_log; /* ns, log timestamps */
        int64_t anchor_mono;           /* ns, CLOCK_MONOTONIC */
        uint64_t sent, skipped;
};

static void usage(FILE *out)
{
        fprintf(out,
                "usage: canring replay [options] [DST=SRC...]\n"
                "  Replays a candump .log file (6 or 9 fraction digits) onto CAN interfaces.\n"
                "    -I FILE      the log file (default: standard input)\n"
                "    -l N|i       replay N times, or endlessly with 'i' (default 1; needs -I)\n"
                "    -t           ignore the timestamps: send as fast as possible\n"
                "    -g MS        with -t: pause MS between frames (decimals allowed)\n"
                "    -s S         do not wait out jumps of more than S seconds in the log\n"
                "    -x           disable local loopback of the sent frames\n"
                "    -v           print each frame sent; a summary at the end\n"
                "    --timeout MS wait at most MS per frame while the interface queue is full\n"
                "                 (default 5000; -1 forever)\n"
                "  DST=SRC sends the frames logged on SRC to interface DST (stdout=SRC prints\n"
                "  those lines instead); with assignments, frames of other interfaces are\n"
                "  skipped. Without, each frame goes to the interface it was logged on.\n");
}

static int64_t now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_until(int64_t t)
{
        struct timespec ts = {.tv_sec = t / 1000000000, .tv_nsec = t % 1000000000};
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static bool parse_ms(const char *s, double max, double *out)
{
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        if (errno || end == s || *end || !isfinite(v) || v < 0 || v > max)
                return false;
        *out = v;
        return true;
}

/* Index of the output named NAME, opening it first if needed; -1 with a message on failure. */
static int out_get(struct rp *rp, const char *name)
{
        char err[256];

        for (size_t i = 0; i < rp->nouts; i++)
                if (strcmp(rp->outs[i].name, name) == 0)
                        return (int)i;
        if (rp->nouts == RP_MAX) {
                fprintf(stderr, "canring replay: more than %d interfaces\n", RP_MAX);
                return -1;
        }
        struct rp_out *o = &rp->outs[rp->nouts];
        memset(o, 0, sizeof(*o));
        o->tx.fd = -1;
        snprintf(o->name, sizeof(o->name), "%s", name);
        o->is_stdout = strcmp(name, "stdout") == 0;
        if (!o->is_stdout && canring_tx_open(&o->tx, name, rp->tx_flags | CANRING_TX_FD_AUTO, err,
                                             sizeof(err)) < 0) {
                fprintf(stderr, "canring replay: %s\n", err);
                return -1;
        }
        return (int)rp->nouts++;
}

/* Parses one DST=SRC assignment; returns 2 (usage) on bad syntax, 1 when DST cannot be opened. */
static int add_assignment(struct rp *rp, const char *arg)
{
        const char *eq = strchr(arg, '=');
        char dst[IFNAMSIZ];

        if (!eq || eq == arg || !eq[1]) {
                fprintf(stderr,
                        "canring replay: bad assignment '%s': DST=SRC, e.g. vcan1=can0 or "
                        "stdout=can0\n",
                        arg);
                return 2;
        }
        if ((size_t)(eq - arg) >= IFNAMSIZ || strlen(eq + 1) >= IFNAMSIZ) {
                fprintf(stderr, "canring replay: bad assignment '%s': interface name too long\n",
                        arg);
                return 2;
        }
        for (size_t i = 0; i < rp->nmaps; i++)
                if (strcmp(rp->maps[i].logif, eq + 1) == 0) {
                        fprintf(stderr, "canring replay: log interface %s is assigned twice\n",
                                eq + 1);
                        return 2;
                }
        if (rp->nmaps == RP_MAX) {
                fprintf(stderr, "canring replay: more than %d assignments\n", RP_MAX);
                return 2;
        }
        memcpy(dst, arg, (size_t)(eq - arg));
        dst[eq - arg] = '\0';
        int out = out_get(rp, dst);
        if (out < 0)
                return 1;
        snprintf(rp->maps[rp->nmaps].logif, IFNAMSIZ, "%s", eq + 1);
        rp->maps[rp->nmaps++].out = out;
        return 0;
}

/* The output for frames logged on LOGIF: its index, -2 to skip them, -1 on an error. */
static int route(struct rp *rp, const char *logif)
{
        for (size_t i = 0; i < rp->nmaps; i++)
                if (strcmp(rp->maps[i].logif, logif) == 0)
                        return rp->maps[i].out;
        if (rp->user_maps)
                return -2;
        /* canplayer: without assignments a frame goes back to the interface it came from */
        int out = out_get(rp, logif);
        if (out < 0)
                return -1;
        if (rp->nmaps == RP_MAX) {
                fprintf(stderr, "canring replay: more than %d log interfaces\n", RP_MAX);
                return -1;
        }
        snprintf(rp->maps[rp->nmaps].logif, IFNAMSIZ, "%s", logif);
        rp->maps[rp->nmaps++].out = out;
        return out;
}

/* Waits until the frame logged at TS is due (original timing) or the -t gap has passed. */
static void pace(struct rp *rp, uint64_t ts)
{
        if (!rp->use_ts) {
                if (rp->gap_ns > 0 && rp->sent + rp->skipped > 0)
                        sleep_until(now_ns() + rp->gap_ns);
                return;
        }
        /*
         * Timing is relative to the first frame of each pass. A timestamp that goes back (files
         * joined together), or with -s a jump longer than asked, starts a new reference instead
         * of waiting.
         */
        if (!rp->anchored || ts < rp->last_log ||
            (rp->skip_ns && ts - rp->last_log > (uint64_t)rp->skip_ns)) {
                rp->anchored = true;
                rp->anchor_log = ts;
                rp->anchor_mono = now_ns();
        }
        rp->last_log = ts;
        uint64_t rel = ts - rp->anchor_log;
        if (rel > (uint64_t)INT64_MAX / 2)
                rel = (uint64_t)INT64_MAX / 2;
        int64_t due = rp->anchor_mono + (int64_t)rel;
        if (due > now_ns())
                sleep_until(due);
}

/*
 * One line of the log. DRY checks it (and opens its interface) without sending. Returns 0, or 1
 * after printing why the replay cannot go on.
 */
static int replay_line(struct rp *rp, const char *line, uint64_t lineno, bool dry)
{
        struct canring_log_entry e;
        char err[256];

        int ret = canring_log_line_parse(line, &e, err, sizeof(err));
        if (ret == -ENODATA)
                return 0;
        if (ret < 0) {
                fprintf(stderr, "canring replay: %s:%" PRIu64 ": %s\n", rp->path, lineno, err);
                return 1;
        }
        int o = route(rp, e.ifname);
        if (o == -1) {
                fprintf(stderr, "canring replay: %s:%" PRIu64 ": no interface for %s\n", rp->path,
                        lineno, e.ifname);
                return 1;
        }
        if (o == -2) {
                if (!dry)
                        rp->skipped++;
                return 0;
        }
        struct rp_out *out = &rp->outs[o];
        if (!out->is_stdout &&
            canring_tx_check_frame(&e.frame, e.mtu, out->tx.fd_frames, err, sizeof(err)) < 0) {
                fprintf(stderr, "canring replay: %s:%" PRIu64 ": cannot send on %s: %s\n", rp->path,
                        lineno, out->name, err);
                return 1;
        }
        if (dry)
                return 0;
        pace(rp, e.ts_ns);
        if (tool_stop_requested())
                return 0;
        if (out->is_stdout) {
                size_t n = strlen(line);
                fputs(line, stdout);
                if (!n || line[n - 1] != '\n')
                        fputc('\n', stdout);
        } else {
                ret = canring_tx_send(&out->tx, &e.frame, e.mtu, rp->timeout_ms);
                if (ret < 0) {
                        fprintf(stderr, "canring replay: %s:%" PRIu64 ": %s: %s\n", rp->path,
                                lineno, out->name,
                                ret == -ETIMEDOUT ? "interface queue still full after the timeout"
                                                  : strerror(-ret));
                        return 1;
                }
                if (rp->verbose) {
                        char buf[CANRING_FRAME_LONG_MAX];
                        canring_frame_print_long(buf, sizeof(buf), &e.frame, e.mtu, 0);
                        printf("%s (%s) %s\n", out->name, e.ifname, buf);
                }
        }
        out->frames++;
        rp->sent++;
        return 0;
}

/* One pass over IN. Returns 0 or 1 (the message is printed). */
static int replay_pass(struct rp *rp, FILE *in, bool dry)
{
        char *line = NULL;
        size_t cap = 0;
        uint64_t lineno = 0;
        int rc = 0;

        rp->anchored = false;
        while (!tool_stop_requested() && getline(&line, &cap, in) >= 0) {
                lineno++;
                rc = replay_line(rp, line, lineno, dry);
                if (rc)
                        break;
        }
        if (!rc && ferror(in)) {
                fprintf(stderr, "canring replay: %s: read error: %s\n", rp->path, strerror(errno));
                rc = 1;
        }
        free(line);
        return rc;
}

int cmd_replay(int argc, char **argv)
{
        enum { OPT_TIMEOUT = 256 };
        static const struct option opts[] = {
            {"timeout", required_argument, NULL, OPT_TIMEOUT},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        static struct rp rp; /* large; one per process */
        const char *file = NULL;
        long loops = 1; /* 0: endless */
        double ms;
        int c;

        memset(&rp, 0, sizeof(rp));
        rp.use_ts = true;
        rp.timeout_ms = 5000;
        optind = 1;
        opterr = 0; /* our own messages name the command */
        while ((c = getopt_long(argc, argv, OPTSTRING, opts, NULL)) != -1) {
                switch (c) {
                case 'I':
                        file = optarg;
                        break;
                case 'l': {
                        char *end;
                        if (strcmp(optarg, "i") == 0) {
                                loops = 0;
                                break;
                        }
                        errno = 0;
                        loops = strtol(optarg, &end, 10);
                        if (errno || end == optarg || *end || loops < 1) {
                                fprintf(stderr,
                                        "canring replay: bad -l '%s' (a number of passes, 1 or "
                                        "more, or i for endless)\n",
                                        optarg);
                                return 2;
                        }
                        break;
                }
                case 't':
                        rp.use_ts = false;
                        break;
                case 'g':
                        if (!parse_ms(optarg, 1e9, &ms)) {
                                fprintf(stderr, "canring replay: bad -g '%s' (ms, 0 or more)\n",
                                        optarg);
                                return 2;
                        }
                        rp.gap_ns = (int64_t)(ms * 1e6 + 0.5);
                        break;
                case 's':
                        if (!parse_ms(optarg, 1e9, &ms) || ms <= 0) {
                                fprintf(stderr,
                                        "canring replay: bad -s '%s' (seconds, more than 0)\n",
                                        optarg);
                                return 2;
                        }
                        rp.skip_ns = (int64_t)(ms * 1e9 + 0.5);
                        break;
                case 'x':
                        rp.tx_flags |= CANRING_TX_NO_LOOPBACK;
                        break;
                case 'v':
                        rp.verbose++;
                        break;
                case OPT_TIMEOUT:
                        if (strcmp(optarg, "-1") == 0) {
                                rp.timeout_ms = -1;
                        } else if (parse_ms(optarg, 24 * 3600 * 1000.0, &ms) &&
                                   ms == (double)(int)ms) {
                                rp.timeout_ms = (int)ms;
                        } else {
                                fprintf(stderr,
                                        "canring replay: bad --timeout '%s' (ms, -1 or more)\n",
                                        optarg);
                                return 2;
                        }
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        if (optopt >= 256 || (optopt && strchr(OPTSTRING, optopt)))
                                fprintf(stderr, "canring replay: option %s needs a value\n",
                                        argv[optind - 1]);
                        else
                                fprintf(stderr, "canring replay: unknown option '%s'\n",
                                        argv[optind - 1]);
                        usage(stderr);
                        return 2;
                }
        }
        if (file && strcmp(file, "-") == 0)
                file = NULL;
        if (!file && loops != 1) {
                fprintf(stderr, "canring replay: -l needs a file (-I FILE): standard input "
                                "cannot be read again\n");
                return 2;
        }
        /* Syntax of every assignment first, so a usage error opens nothing. */
        for (int i = optind; i < argc; i++) {
                const char *eq = strchr(argv[i], '=');
                if (!eq || eq == argv[i] || !eq[1]) {
                        fprintf(stderr,
                                "canring replay: bad assignment '%s': DST=SRC, e.g. vcan1=can0 "
                                "or stdout=can0\n",
                                argv[i]);
                        return 2;
                }
        }

        int rc = 1;
        FILE *in = stdin;
        bool seekable = false;
        rp.path = file ? file : "<stdin>";
        if (file) {
                in = fopen(file, "r");
                if (!in) {
                        fprintf(stderr, "canring replay: %s: %s\n", file, strerror(errno));
                        return 1;
                }
                struct stat st;
                seekable = fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode);
                if (!seekable && loops != 1) {
                        fprintf(stderr,
                                "canring replay: -l needs a regular file: %s cannot be "
                                "read again\n",
                                file);
                        rc = 2;
                        goto out;
                }
        }
        rp.user_maps = argc > optind;
        for (int i = optind; i < argc; i++) {
                int ret = add_assignment(&rp, argv[i]);
                if (ret) {
                        rc = ret;
                        goto out;
                }
        }
        tool_signals_install();
        if (seekable) {
                if (replay_pass(&rp, in, true))
                        goto out;
                rewind(in);
        }
        for (long pass = 0; !tool_stop_requested() && (loops == 0 || pass < loops); pass++) {
                if (pass > 0)
                        rewind(in);
                if (replay_pass(&rp, in, false))
                        goto out;
                if (loops == 0 && rp.sent == 0 && rp.skipped == 0)
                        break; /* an endless loop over a file without frames would spin */
        }
        rc = 0;
        if (rp.verbose) {
                fprintf(stderr, "canring replay: %" PRIu64 " frames sent, %" PRIu64 " skipped\n",
                        rp.sent, rp.skipped);
                for (size_t i = 0; i < rp.nouts; i++)
                        fprintf(stderr, "canring replay: %s: %" PRIu64 " frames\n", rp.outs[i].name,
                                rp.outs[i].frames);
        }
out:
        fflush(stdout);
        for (size_t i = 0; i < rp.nouts; i++)
                canring_tx_close(&rp.outs[i].tx);
        if (in != stdin)
                fclose(in);
        return rc;
}
