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
 *
 * With --service or --segment NAME the task runs in the service instead (its control socket); it
 * still ends when this process does, unless --detach asks the service to keep it: then this
 * process returns at once. The service's tasks are changed with
 *   canring periodic modify IF FRAME... | stop IF ID | restart IF ID | remove IF ID
 *   canring periodic list [IF] | stop-all [IF]
 * (each takes --segment NAME too).
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
#include "canring/control.h"
#include "canring/text.h"
#include "commands.h"
#include "tool_args.h"

static void usage(FILE *out)
{
        fprintf(
            out,
            "usage: canring periodic start IF --period MS [--count N | --duration S] [--stdin]\n"
            "                              [--service | --segment NAME] [--detach] FRAME...\n"
            "       canring periodic modify IF FRAME...       (service tasks; also take\n"
            "       canring periodic stop|restart|remove IF ID   --segment NAME)\n"
            "       canring periodic list [IF]\n"
            "       canring periodic stop-all [IF]\n"
            "  start sends FRAME... in turn, one every MS milliseconds (decimals allowed, 1 us\n"
            "  resolution), through the kernel's broadcast manager, until N frames have gone\n"
            "  out, S seconds have passed, or SIGINT. All frames share one CAN id.\n"
            "  --stdin    read commands from stdin while running: modify FRAME..., stop,\n"
            "             restart, list, quit (one answer line each on stdout)\n"
            "  --service  run the task in the service (segment 'canring'); --segment NAME\n"
            "             in the service of segment NAME. It ends when this process exits...\n"
            "  --detach   ...unless detached: the service keeps it, this process returns\n");
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

/* The task this process runs: on a BCM socket of its own, or in the service (ctl != NULL). */
struct run {
        struct canring_bcm *bcm;
        struct canring_control *ctl;
        char ifname[IF_NAMESIZE];
        canid_t id;
        bool stdin_open;
        bool quit;
        struct canfd_frame first; /* task_info's frame storage for a service task */
};

/* A service task as struct canring_bcm_task_info, so both kinds print and finish alike. */
static void info_from_control(const struct canring_control_task *t, struct canfd_frame *first,
                              struct canring_bcm_task_info *info)
{
        memset(info, 0, sizeof(*info));
        memcpy(first, &t->first.frame, sizeof(*first));
        info->can_id = t->can_id;
        info->fd = t->flags & CANRING_TASK_FD;
        info->running = t->flags & CANRING_TASK_RUNNING;
        info->sending = t->flags & CANRING_TASK_SENDING;
        info->nframes = t->nframes;
        info->period_us = t->period_us;
        info->count = t->count;
        info->count_left = t->count_left;
        info->frames = first;
}

static int task_info(struct run *r, struct canring_bcm_task_info *info)
{
        static struct canring_control_task tasks[CANRING_CONTROL_MAX_TASKS];
        char err[CANRING_CONTROL_TEXT];
        int n;

        if (!r->ctl)
                return canring_bcm_task(r->bcm, r->id, info);
        n = canring_control_periodic_list(r->ctl, r->ifname, tasks, CANRING_CONTROL_MAX_TASKS, err,
                                          sizeof(err));
        for (int i = 0; i < n && i < (int)CANRING_CONTROL_MAX_TASKS; i++)
                if (tasks[i].can_id == r->id && (tasks[i].flags & CANRING_TASK_MINE)) {
                        info_from_control(&tasks[i], &r->first, info);
                        return 0;
                }
        return n < 0 ? n : -ENOENT;
}

static int task_modify(struct run *r, const struct canfd_frame *frames, const size_t *mtus,
                       uint32_t n, char *err, size_t errlen)
{
        if (r->ctl)
                return canring_control_periodic_modify(r->ctl, r->ifname, frames, mtus, n, err,
                                                       errlen);
        return canring_bcm_modify(r->bcm, frames, mtus, n, err, errlen);
}

static int task_stop(struct run *r, char *err, size_t errlen)
{
        if (r->ctl)
                return canring_control_periodic_stop(r->ctl, r->ifname, r->id, err, errlen);
        return canring_bcm_stop(r->bcm, r->id, err, errlen);
}

static int task_restart(struct run *r, char *err, size_t errlen)
{
        if (r->ctl)
                return canring_control_periodic_restart(r->ctl, r->ifname, r->id, err, errlen);
        return canring_bcm_restart(r->bcm, r->id, err, errlen);
}

/* One --stdin command line. */
static void handle_line(struct run *r, char *line)
{
        char *words[CANRING_BCM_MAX_FRAMES + 2];
        int n = 0;
        char err[CANRING_CONTROL_TEXT + 64];
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
                ret = task_modify(r, frames, mtus, (uint32_t)(n - 1), err, sizeof(err));
        } else if (strcmp(words[0], "stop") == 0) {
                ret = task_stop(r, err, sizeof(err));
        } else if (strcmp(words[0], "restart") == 0) {
                ret = task_restart(r, err, sizeof(err));
        } else if (strcmp(words[0], "list") == 0) {
                struct canring_bcm_task_info info;
                ret = task_info(r, &info);
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
        if (!count || task_info(r, &info) < 0)
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
                struct pollfd p[4] = {
                    {.fd = sfd, .events = POLLIN},
                    {.fd = r->bcm ? canring_bcm_fd(r->bcm) : -1, .events = POLLIN},
                    {.fd = r->stdin_open ? 0 : -1, .events = POLLIN},
                    {.fd = r->ctl ? canring_control_fd(r->ctl) : -1, .events = POLLIN},
                };
                int pr = poll(p, 4, count ? check_ms : -1);
                if (pr < 0 && errno != EINTR) {
                        fprintf(stderr, "canring periodic: poll: %s\n", strerror(errno));
                        rc = 1;
                        break;
                }
                if (p[0].revents & POLLIN)
                        break;
                if (p[3].revents) {
                        fprintf(stderr, "canring periodic: the service closed the connection (it "
                                        "stopped); the task ended with it\n");
                        rc = 1;
                        break;
                }
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

/* Parses a task id as the frames give it: 3 hex digits standard, 8 digits (or more) extended. */
static bool parse_id(const char *text, canid_t *id)
{
        char *end;
        size_t len = strlen(text);
        unsigned long v;

        errno = 0;
        v = strtoul(text, &end, 16);
        if (errno || end == text || *end || len > 8)
                return false;
        if (len == 8) {
                if (v > CAN_EFF_MASK)
                        return false;
                *id = (canid_t)v | CAN_EFF_FLAG;
        } else {
                if (v > CAN_SFF_MASK)
                        return false;
                *id = (canid_t)v;
        }
        return true;
}

static int open_service(const char *segment, struct canring_control **ctl, const char *verb)
{
        char err[CANRING_CONTROL_TEXT + 64];

        if (canring_control_open(ctl, segment, err, sizeof(err)) < 0) {
                fprintf(stderr, "canring periodic %s: %s\n", verb, err);
                return -1;
        }
        return 0;
}

static void print_service_task(const struct canring_control_task *t)
{
        struct canring_bcm_task_info info;
        struct canfd_frame first;
        char text[CANRING_FRAME_TEXT_MAX];

        info_from_control(t, &first, &info);
        canring_frame_print(text, sizeof(text), &first, t->first.mtu, 0);
        printf("%s ", t->ifname);
        print_task(stdout, &info);
        if (t->flags & CANRING_TASK_DETACHED)
                printf("  detached, first frame %s\n", text);
        else
                printf("  owner pid %d, first frame %s\n", (int)t->owner_pid, text);
}

/* `periodic modify|stop|restart|remove|list|stop-all ...`: one request to the service. */
static int service_command(int argc, char **argv)
{
        const char *verb = argv[0], *segment = NULL;
        char err[CANRING_CONTROL_TEXT + 64];
        struct canring_control *ctl;
        int ret = tool_segment_args(argc, argv, &segment, usage);

        if (ret >= 0)
                return ret;
        ret = 0;
        int nargs = argc - optind;
        char **args = argv + optind;
        bool listing = strcmp(verb, "list") == 0 || strcmp(verb, "stop-all") == 0;
        bool by_id = !listing && strcmp(verb, "modify") != 0;
        canid_t id = 0;
        static struct canfd_frame frames[CANRING_BCM_MAX_FRAMES];
        static size_t mtus[CANRING_BCM_MAX_FRAMES];

        if (listing ? nargs > 1 : by_id ? nargs != 2 : nargs < 2) {
                fprintf(stderr, "canring periodic %s: usage: canring periodic %s %s\n", verb, verb,
                        listing ? "[IF]"
                        : by_id ? "IF ID"
                                : "IF FRAME...");
                return 2;
        }
        if (by_id && !parse_id(args[1], &id)) {
                fprintf(stderr,
                        "canring periodic %s: bad task id '%s' (hex: 3 digits standard, 8 "
                        "extended)\n",
                        verb, args[1]);
                return 2;
        }
        if (!listing && !by_id) {
                if (nargs - 1 > CANRING_BCM_MAX_FRAMES) {
                        fprintf(stderr, "canring periodic modify: a task holds at most %d frames\n",
                                CANRING_BCM_MAX_FRAMES);
                        return 2;
                }
                if (parse_frames(args + 1, nargs - 1, frames, mtus, "canring periodic modify") < 0)
                        return 2;
        }
        if (open_service(segment, &ctl, verb) < 0)
                return 1;
        const char *ifname = nargs > 0 ? args[0] : NULL;

        if (strcmp(verb, "list") == 0) {
                static struct canring_control_task tasks[CANRING_CONTROL_MAX_TASKS];

                ret = canring_control_periodic_list(ctl, ifname, tasks, CANRING_CONTROL_MAX_TASKS,
                                                    err, sizeof(err));
                for (int i = 0; i < ret && i < (int)CANRING_CONTROL_MAX_TASKS; i++)
                        print_service_task(&tasks[i]);
        } else if (strcmp(verb, "stop-all") == 0) {
                ret = canring_control_periodic_stop_all(ctl, ifname, err, sizeof(err));
        } else if (strcmp(verb, "modify") == 0) {
                ret = canring_control_periodic_modify(ctl, ifname, frames, mtus,
                                                      (uint32_t)(nargs - 1), err, sizeof(err));
        } else if (strcmp(verb, "stop") == 0) {
                ret = canring_control_periodic_stop(ctl, ifname, id, err, sizeof(err));
        } else if (strcmp(verb, "restart") == 0) {
                ret = canring_control_periodic_restart(ctl, ifname, id, err, sizeof(err));
        } else {
                ret = canring_control_periodic_remove(ctl, ifname, id, err, sizeof(err));
        }
        canring_control_close(ctl);
        if (ret < 0) {
                fprintf(stderr, "canring periodic %s: %s\n", verb, err);
                return 1;
        }
        return 0;
}

static bool is_service_verb(const char *verb)
{
        static const char *const verbs[] = {"modify", "stop", "restart",
                                            "remove", "list", "stop-all"};

        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
                if (strcmp(verb, verbs[i]) == 0)
                        return true;
        return false;
}

int cmd_periodic(int argc, char **argv)
{
        static const struct option opts[] = {
            {"period", required_argument, NULL, 'p'},
            {"count", required_argument, NULL, 'c'},
            {"duration", required_argument, NULL, 'd'},
            {"stdin", no_argument, NULL, 'i'},
            {"service", no_argument, NULL, 'S'},
            {"segment", required_argument, NULL, 's'},
            {"detach", no_argument, NULL, 'D'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        struct canring_bcm_timing tm = {0};
        bool use_stdin = false, have_period = false, service = false, detach = false;
        const char *segment = NULL;
        int c;

        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
                usage(stdout);
                return 0;
        }
        if (argc >= 2 && is_service_verb(argv[1]))
                return service_command(argc - 1, argv + 1);
        if (argc < 2 || strcmp(argv[1], "start") != 0) {
                usage(stderr);
                return 2;
        }
        argc--;
        argv++;
        optind = 1;
        while ((c = getopt_long(argc, argv, "p:c:d:h", opts, NULL)) != -1) {
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
                case 'i':
                        use_stdin = true;
                        break;
                case 's':
                        segment = optarg;
                        service = true;
                        break;
                case 'S':
                        service = true;
                        break;
                case 'D':
                        detach = true;
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
        if (detach && !service) {
                fprintf(stderr, "canring periodic: --detach needs the service (--service or "
                                "--segment NAME): a standalone task lives as long as this "
                                "process\n");
                return 2;
        }
        if (detach && use_stdin) {
                fprintf(stderr, "canring periodic: --detach returns at once; change a detached "
                                "task with `canring periodic modify|stop|restart`\n");
                return 2;
        }
        char err[CANRING_CONTROL_TEXT + 64];
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
        snprintf(r.ifname, sizeof(r.ifname), "%s", ifname);
        if (service) {
                if (open_service(segment, &r.ctl, "start") < 0)
                        return 1;
                ret = canring_control_periodic_start(r.ctl, ifname, frames, mtus, (uint32_t)n, &tm,
                                                     detach ? CANRING_CONTROL_DETACH : 0, err,
                                                     sizeof(err));
        } else {
                ret = canring_bcm_open(&r.bcm, ifname, err, sizeof(err));
                if (ret == 0)
                        ret = canring_bcm_start(r.bcm, frames, mtus, (uint32_t)n, &tm, err,
                                                sizeof(err));
        }
        int rc = ret < 0 ? 1 : 0;
        if (ret < 0)
                fprintf(stderr, "canring periodic: %s\n", err);
        else if (!detach)
                rc = run_loop(&r, &tm,
                              tm.count ? tm.count : (uint32_t)(tm.duration_us / tm.period_us));
        /* Closing deletes the kernel's task: our BCM socket, or our connection's in the service. */
        canring_bcm_close(r.bcm);
        canring_control_close(r.ctl);
        return rc;
}
