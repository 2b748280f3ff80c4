/* SPDX-License-Identifier: MIT */
/*
 * `canring periodic start IF --period MS [--count N | --duration S] [--stdin] FRAME...`:
 * a periodic task through the kernel's broadcast manager, standalone and in the foreground.
 * A BCM task lives as long as its socket, so this process stays until the task has sent its
 * count, its duration is over, or SIGINT/SIGTERM arrives. With --stdin it reads commands, one
 * per line, to change the task while it runs:
 *   modify FRAME...   new data, same id and frame count; the cycle is not restarted
 *   stop              stop sending (the process stays; restart or quit follow)
 *   restart           start the stopped task again with its last data
 *   list              print the task: id, frames, period, count, remaining, state
 *   quit              stop and exit
 * Each command answers one line on stdout: "ok", a task line, or "error: REASON".
 * (`periodic modify|stop|list` as separate commands act on the service's tasks.)
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/signalfd.h>

#include "canring/bcm.h"
#include "canring/text.h"
#include "commands.h"

static void usage(FILE *out)
{
        fprintf(out,
                "usage: canring periodic start IF --period MS [--count N | --duration S] [--stdin] "
                "FRAME...\n"
                "  Sends FRAME... in turn, one every MS milliseconds (decimals allowed, 1 us\n"
                "  resolution), through the kernel's broadcast manager, until N frames have gone\n"
                "  out, S seconds have passed, or SIGINT. All frames share one CAN id.\n"
                "  --stdin  read commands from stdin while running: modify FRAME..., stop,\n"
                "           restart, list, quit (one answer line each on stdout)\n");
}

/* A decimal number > 0 scaled to an integer unit; false on junk, <= 0, or below one unit. */
static bool parse_scaled(const char *s, double scale, uint64_t *out)
{
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        if (errno || end == s || *end || !isfinite(v) || v <= 0 || v * scale > 1e15)
                return false;
        uint64_t r = (uint64_t)(v * scale + 0.5); /* rounded; no libm needed */
        if (r < 1)
                return false;
        *out = r;
        return true;
}

static int parse_frames(char **texts, int n, struct canfd_frame *frames, size_t *mtus,
                        const char *who)
{
        char err[256];
        for (int i = 0; i < n; i++)
                if (canring_frame_parse(texts[i], &frames[i], &mtus[i], err, sizeof(err)) < 0) {
                        fprintf(who ? stderr : stdout, "%s%sbad frame '%s': %s\n",
                                who ? who : "error: ", who ? ": " : "", texts[i], err);
                        return -EINVAL;
                }
        return 0;
}

static void print_task(FILE *out, const struct canring_bcm_task_info *t)
{
        fprintf(out, "%0*X frames %u period %.3f ms count %u left %u %s %s\n",
                (t->can_id & CAN_EFF_FLAG) ? 8 : 3, t->can_id & CAN_EFF_MASK, t->nframes,
                t->period_us / 1000.0, t->count, t->count_left, t->fd ? "fd" : "classic",
                !t->running  ? "stopped"
                : t->sending ? "sending"
                             : "finished");
}

struct run {
        struct canring_bcm *bcm;
        canid_t id;
        bool stdin_open;
        bool quit;
};

/* One --stdin command line. */
static void handle_line(struct run *r, char *line)
{
        char *words[CANRING_BCM_MAX_FRAMES + 2];
        int n = 0;
        char err[256];
        for (char *tok = strtok(line, " \t\r\n"); tok && n < (int)(sizeof(words) / sizeof(*words));
             tok = strtok(NULL, " \t\r\n"))
                words[n++] = tok;
        if (n == 0)
                return;
        int ret = 0;
        if (strcmp(words[0], "modify") == 0) {
                static struct canfd_frame frames[CANRING_BCM_MAX_FRAMES + 1];
                static size_t mtus[CANRING_BCM_MAX_FRAMES + 1];
                if (n < 2) {
                        printf("error: modify needs frames\n");
                        goto flush;
                }
                if (parse_frames(words + 1, n - 1, frames, mtus, NULL) < 0)
                        goto flush;
                ret = canring_bcm_modify(r->bcm, frames, mtus, (uint32_t)(n - 1), err, sizeof(err));
        } else if (strcmp(words[0], "stop") == 0) {
                ret = canring_bcm_stop(r->bcm, r->id, err, sizeof(err));
        } else if (strcmp(words[0], "restart") == 0) {
                ret = canring_bcm_restart(r->bcm, r->id, err, sizeof(err));
        } else if (strcmp(words[0], "list") == 0) {
                struct canring_bcm_task_info info;
                ret = canring_bcm_task(r->bcm, r->id, &info);
                if (ret == 0) {
                        print_task(stdout, &info);
                        goto flush;
                }
                snprintf(err, sizeof(err), "%s", strerror(-ret));
        } else if (strcmp(words[0], "quit") == 0) {
                r->quit = true;
        } else {
                printf("error: unknown command '%s' (modify, stop, restart, list, quit)\n",
                       words[0]);
                goto flush;
        }
        if (ret < 0)
                printf("error: %s\n", err);
        else
                printf("ok\n");
flush:
        fflush(stdout);
}

/* True when a counted task has sent its last frame. */
static bool finished(struct run *r, uint32_t count)
{
        struct canring_bcm_task_info info;
        if (!count || canring_bcm_task(r->bcm, r->id, &info) < 0)
                return false;
        return info.running && !info.sending;
}

static int run_loop(struct run *r, const struct canring_bcm_timing *tm, uint32_t count)
{
        sigset_t mask;
        sigemptyset(&mask);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGTERM);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
        if (sfd < 0) {
                fprintf(stderr, "canring periodic: signalfd: %s\n", strerror(errno));
                return 1;
        }
        static char line[65536]; /* 256 FD frames in cansend syntax fit */
        size_t used = 0;
        /* Counted tasks are checked with TX_READ at least this often (TX_EXPIRED is the fast path).
         */
        int check_ms = (int)(tm->period_us / 1000) + 1;
        if (check_ms < 20)
                check_ms = 20;
        if (check_ms > 1000)
                check_ms = 1000;
        int rc = 0;
        while (!r->quit) {
                if (finished(r, count))
                        break;
                struct pollfd p[3] = {
                    {.fd = sfd, .events = POLLIN},
                    {.fd = canring_bcm_fd(r->bcm), .events = POLLIN},
                    {.fd = r->stdin_open ? 0 : -1, .events = POLLIN},
                };
                int pr = poll(p, 3, count ? check_ms : -1);
                if (pr < 0 && errno != EINTR) {
                        fprintf(stderr, "canring periodic: poll: %s\n", strerror(errno));
                        rc = 1;
                        break;
                }
                if (p[0].revents & POLLIN)
                        break;
                if (p[1].revents & POLLIN)
                        canring_bcm_events(r->bcm, 0);
                if (p[2].revents & (POLLIN | POLLHUP)) {
                        ssize_t n = read(0, line + used, sizeof(line) - 1 - used);
                        if (n <= 0) {
                                r->stdin_open = false;
                                continue;
                        }
                        used += (size_t)n;
                        line[used] = '\0';
                        char *nl;
                        while ((nl = strchr(line, '\n'))) {
                                *nl = '\0';
                                handle_line(r, line);
                                used -= (size_t)(nl + 1 - line);
                                memmove(line, nl + 1, used + 1);
                        }
                        if (used == sizeof(line) - 1) {
                                printf("error: command line too long\n");
                                fflush(stdout);
                                used = 0;
                        }
                }
        }
        close(sfd);
        return rc;
}

int cmd_periodic(int argc, char **argv)
{
        static const struct option opts[] = {
            {"period", required_argument, NULL, 'p'},   {"count", required_argument, NULL, 'c'},
            {"duration", required_argument, NULL, 'd'}, {"stdin", no_argument, NULL, 's'},
            {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
        };
        struct canring_bcm_timing tm = {0};
        bool use_stdin = false, have_period = false;
        int c;

        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
                usage(stdout);
                return 0;
        }
        if (argc < 2 || strcmp(argv[1], "start") != 0) {
                if (argc >= 2 && (strcmp(argv[1], "modify") == 0 || strcmp(argv[1], "stop") == 0 ||
                                  strcmp(argv[1], "list") == 0))
                        fprintf(
                            stderr,
                            "canring periodic %s: acts on the service's tasks; a standalone task "
                            "is changed with `periodic start --stdin`\n",
                            argv[1]);
                else
                        usage(stderr);
                return 2;
        }
        argc--;
        argv++;
        optind = 1;
        while ((c = getopt_long(argc, argv, "p:c:d:sh", opts, NULL)) != -1) {
                uint64_t v;
                switch (c) {
                case 'p':
                        if (!parse_scaled(optarg, 1000.0, &v)) {
                                fprintf(stderr,
                                        "canring periodic: bad --period '%s': the period must be a "
                                        "number of milliseconds > 0 (at least 0.001)\n",
                                        optarg);
                                return 2;
                        }
                        tm.period_us = v;
                        have_period = true;
                        break;
                case 'c':
                        if (!parse_scaled(optarg, 1.0, &v) || v > UINT32_MAX ||
                            strchr(optarg, '.')) {
                                fprintf(stderr,
                                        "canring periodic: bad --count '%s' (an integer > 0)\n",
                                        optarg);
                                return 2;
                        }
                        tm.count = (uint32_t)v;
                        break;
                case 'd':
                        if (!parse_scaled(optarg, 1e6, &v)) {
                                fprintf(stderr,
                                        "canring periodic: bad --duration '%s' (seconds > 0)\n",
                                        optarg);
                                return 2;
                        }
                        tm.duration_us = v;
                        break;
                case 's':
                        use_stdin = true;
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        if (!have_period) {
                fprintf(stderr, "canring periodic: --period MS is required\n");
                return 2;
        }
        char err[256];
        if (canring_bcm_check_timing(&tm, err, sizeof(err)) < 0) {
                fprintf(stderr, "canring periodic: %s\n", err);
                return 2;
        }
        if (argc - optind < 2) {
                fprintf(stderr, "canring periodic: need an interface and at least one frame\n");
                return 2;
        }
        const char *ifname = argv[optind++];
        int n = argc - optind;
        if (n > CANRING_BCM_MAX_FRAMES) {
                fprintf(stderr, "canring periodic: %d frames: a task holds at most %d\n", n,
                        CANRING_BCM_MAX_FRAMES);
                return 2;
        }
        static struct canfd_frame frames[CANRING_BCM_MAX_FRAMES];
        static size_t mtus[CANRING_BCM_MAX_FRAMES];
        if (parse_frames(argv + optind, n, frames, mtus, "canring periodic") < 0)
                return 2;
        canid_t id;
        bool fd;
        /* The rules that need no interface are usage errors; FD support is checked at start. */
        int ret =
            canring_bcm_check_frames(frames, mtus, (uint32_t)n, true, &id, &fd, err, sizeof(err));
        if (ret < 0) {
                fprintf(stderr, "canring periodic: %s\n", err);
                return 2;
        }
        struct run r = {.id = id, .stdin_open = use_stdin};
        if (canring_bcm_open(&r.bcm, ifname, err, sizeof(err)) < 0) {
                fprintf(stderr, "canring periodic: %s\n", err);
                return 1;
        }
        if (canring_bcm_start(r.bcm, frames, mtus, (uint32_t)n, &tm, err, sizeof(err)) < 0) {
                fprintf(stderr, "canring periodic: %s\n", err);
                canring_bcm_close(r.bcm);
                return 1;
        }
        uint32_t count = tm.count ? tm.count : (uint32_t)(tm.duration_us / tm.period_us);
        int rc = run_loop(&r, &tm, count);
        canring_bcm_close(r.bcm); /* deletes the kernel's task */
        return rc;
}
