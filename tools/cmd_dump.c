/* SPDX-License-Identifier: MIT */
/*
 * `canring dump`: candump's output from the shared-memory stream. The stdout bytes are those
 * candump (can-utils 2020.11) prints for the same frames with the same options: line forms,
 * -t prefixes, name padding that grows with the names seen, the SFF indent once an EFF frame was
 * seen, one line per matching CHANNEL argument. What candump cannot see (records this reader
 * lost, ring events) goes to stderr, so scripts reading stdout see candump's bytes only.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "canring/consumer.h"
#include "canring/error.h"
#include "canring/text.h"
#include "commands.h"
#include "tool_buf.h"
#include "tool_channels.h"
#include "tool_events.h"
#include "tool_reader.h"
#include "tool_signals.h"

#define PROG  "canring dump"
#define BATCH 256 /* records per read */

struct dump {
        struct canring_consumer *c;
        struct tool_chans chans;
        struct tool_sel *sels;
        unsigned nsels;
        struct canring_dump_fmt fmt; /* timestamp state, view flags, name width */
        bool log_format;             /* -L */
        bool ns;                     /* --ns: nine fraction digits in -L lines */
        bool hw_ts;                  /* -H */
        bool dropmon;                /* -d */
        bool events;                 /* --events */
        long count;                  /* -n: frames left to print, 0 = no limit */
        bool done;                   /* -n reached */
        uint64_t printed;            /* frames printed (for the idle timeout) */
        struct tool_buf out;         /* stdout bytes of the current batch */
        struct tool_buf err;         /* stderr bytes of the current batch */
};

static void usage(FILE *out)
{
        fprintf(
            out,
            "usage: canring dump [OPTIONS] [CHANNEL[,filter]*]...\n"
            "  candump's output from the canring shared-memory stream. CHANNEL is an\n"
            "  interface name of the segment's channel table, or 'any'; none means all.\n"
            "  Filters are candump's: <id>:<mask>, <id>~<mask>, #<err_mask>, j.\n"
            "  -t a|d|z|A    timestamp: absolute, delta, from zero, absolute with date\n"
            "  -L            candump log format (-l lines on stdout)\n"
            "  -x            extra info: RX/TX and CAN FD BRS/ESI (' R'/' T' with -L)\n"
            "  -e            decode error frames\n"
            "  -a            ASCII column    -i  binary data    -S  swap byte order\n"
            "  -H            hardware timestamps where the driver gives them\n"
            "  -n COUNT      exit after COUNT frames\n"
            "  -T MS         exit after MS milliseconds without a frame\n"
            "  -d            candump's DROPCOUNT lines for socket drops; other drops on stderr\n"
            "  --ns          nine fraction digits in -L timestamps (canring extension)\n"
            "  --events      every ring event as a '# canring ...' line on stderr\n"
            "  --oldest      start at the oldest record still in the ring (default: newest)\n"
            "  --segment N   segment name (default '%s')\n",
            CANRING_DEFAULT_NAME);
}

static bool parse_long(const char *s, long min, long max, long *out)
{
        char *end;

        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno || end == s || *end || v < min || v > max)
                return false;
        *out = v;
        return true;
}

static int add_text(struct tool_buf *b, const char *text, int n)
{
        return n < 0 ? -EINVAL : tool_buf_add(b, text, (size_t)n);
}

/* One frame line for selection SEL; updates the name width and indent state first. */
static int print_frame(struct dump *d, const struct canring_record *r, const char *ifname,
                       const struct canfd_frame *f, size_t mtu)
{
        uint64_t ts = d->hw_ts && r->hw_ts_ns ? r->hw_ts_ns : r->sw_ts_ns;
        char line[CANRING_DUMP_LINE_MAX];
        int len = (int)strlen(ifname);
        int n;

        if (len > d->fmt.ifname_width) /* candump widens on the first frame of a new interface */
                d->fmt.ifname_width = len;
        if (f->can_id & CAN_EFF_FLAG) /* and indents SFF ids once it has seen an EFF frame */
                d->fmt.view |= CANRING_VIEW_INDENT_SFF;
        if (d->log_format)
                n = canring_log_line_print(line, sizeof(line), ts, ifname, d->fmt.ifname_width, f,
                                           mtu,
                                           d->fmt.extra ? tool_record_dir(r) : CANRING_DIR_NONE,
                                           d->ns ? CANRING_LOG_NS : 0);
        else
                n = canring_dump_line_print(line, sizeof(line), &d->fmt, ts, ifname, f, mtu,
                                            tool_record_dir(r));
        if (n >= (int)sizeof(line))
                n = (int)sizeof(line) - 1;
        return add_text(&d->out, line, n);
}

static int handle_event(struct dump *d, const struct canring_record *r)
{
        const struct canring_event *e = &r->event;
        char name_buf[24], line[TOOL_EVENT_LINE_MAX];
        const char *ifname;
        int ret = 0;

        if (e->type == CANRING_EVENT_IF_UP || e->type == CANRING_EVENT_IF_DOWN)
                tool_chans_refresh(&d->chans, r->channel);
        ifname = tool_chans_name(&d->chans, r->channel, name_buf, sizeof(name_buf));
        if (d->dropmon && e->type == CANRING_EVENT_SOCKET_DROP) {
                for (unsigned i = 0; i < d->nsels && !ret; i++) {
                        const struct tool_sel *s = &d->sels[i];
                        uint32_t frames = (uint32_t)e->value[0];

                        if (s->channel >= 0 && (unsigned)s->channel != r->channel)
                                continue;
                        /* candump's own words, so scripts that grep for them keep working. */
                        ret = add_text(&d->out, line,
                                       snprintf(line, sizeof(line),
                                                "DROPCOUNT: dropped %d CAN frame%s on '%s' socket "
                                                "(total drops %d)\n",
                                                (int)frames, frames > 1 ? "s" : "", s->arg,
                                                (int)(uint32_t)e->value[1]));
                }
        }
        if (d->events ||
            (d->dropmon && (e->type == CANRING_EVENT_RING_DROP || e->type == CANRING_EVENT_GAP)))
                ret = ret ? ret
                          : add_text(&d->err, line, tool_event_line(line, sizeof(line), r, ifname));
        return ret;
}

static int handle_record(struct dump *d, const struct canring_record *r)
{
        struct canfd_frame f;
        char name_buf[24];
        size_t mtu;
        int ret;

        if (r->kind == CANRING_KIND_EVENT)
                return handle_event(d, r);
        if (!tool_record_frame(r, &f, &mtu))
                return 0;
        const char *ifname = tool_chans_name(&d->chans, r->channel, name_buf, sizeof(name_buf));
        for (unsigned i = 0; i < d->nsels && !d->done; i++) {
                if (!tool_sel_match(&d->sels[i], r->channel, f.can_id, false))
                        continue;
                ret = print_frame(d, r, ifname, &f, mtu);
                if (ret)
                        return ret;
                d->printed++;
                if (d->count && --d->count == 0)
                        d->done = true;
        }
        return 0;
}

/* Writes what the batch produced; false when stdout is gone or broken. */
static bool flush_out(struct dump *d, int *status)
{
        int ret;

        if (d->err.len)
                tool_buf_write_all(&d->err, STDERR_FILENO);
        d->err.len = 0;
        ret = tool_buf_write_all(&d->out, STDOUT_FILENO);
        if (ret == -EPIPE) { /* the reader went away (`| head`): candump would just be gone too */
                *status = 0;
                return false;
        }
        if (ret) {
                fprintf(stderr, PROG ": writing to stdout: %s\n", canring_strerror(ret));
                *status = 1;
                return false;
        }
        return true;
}

/* Reads, prints and releases one batch. Returns the number of records read, or -errno. */
static int dump_batch(struct dump *d)
{
        const struct canring_record *recs[BATCH];
        uint64_t lost_before = canring_consumer_lost(d->c);
        struct canring_dump_fmt fmt_before = d->fmt;
        long count_before = d->count;
        uint64_t printed_before = d->printed;
        int n = canring_consumer_read(d->c, recs, BATCH);
        int ret = 0;

        if (n <= 0)
                return n;
        for (int i = 0; i < n && !d->done && !ret; i++)
                ret = handle_record(d, recs[i]);
        unsigned ring = canring_consumer_batch_ring(d->c);
        if (canring_consumer_release(d->c) == -ESTALE) {
                /* Overwritten while we printed it: none of it may be shown, and the state the
                 * discarded lines changed goes back to what it was. */
                d->out.len = 0;
                d->err.len = 0;
                d->fmt = fmt_before;
                d->count = count_before;
                d->printed = printed_before;
                d->done = false;
        }
        uint64_t lost = canring_consumer_lost(d->c) - lost_before;
        if (lost)
                fprintf(stderr, PROG ": lost %llu records in ring %u (reader too slow)\n",
                        (unsigned long long)lost, ring);
        return ret ? ret : n;
}

static int parse_args(struct dump *d, int argc, char **argv, const char **segment, uint32_t *flags,
                      long *idle_ms)
{
        static const struct option opts[] = {
            {"segment", required_argument, NULL, 's'}, {"ns", no_argument, NULL, 'N'},
            {"events", no_argument, NULL, 'E'},        {"oldest", no_argument, NULL, 'O'},
            {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
        };
        int opt;

        optind = 1;
        while ((opt = getopt_long(argc, argv, "+t:LxeaiSHn:T:dh", opts, NULL)) != -1) {
                switch (opt) {
                case 't':
                        if (strlen(optarg) != 1 || !strchr("adzA", optarg[0])) {
                                fprintf(stderr,
                                        PROG ": unknown timestamp mode '%s' (a, d, z or A)\n",
                                        optarg);
                                return 2;
                        }
                        d->fmt.ts_mode = (enum canring_ts_mode)optarg[0];
                        break;
                case 'L':
                        d->log_format = true;
                        break;
                case 'x':
                        d->fmt.extra = true;
                        break;
                case 'e':
                        d->fmt.view |= CANRING_VIEW_ERROR;
                        break;
                case 'a':
                        d->fmt.view |= CANRING_VIEW_ASCII;
                        break;
                case 'i':
                        d->fmt.view |= CANRING_VIEW_BINARY;
                        break;
                case 'S':
                        d->fmt.view |= CANRING_VIEW_SWAP;
                        break;
                case 'H':
                        d->hw_ts = true;
                        break;
                case 'n':
                        if (!parse_long(optarg, 1, 0x7fffffffL, &d->count)) {
                                fprintf(stderr, PROG ": bad -n '%s' (a count of 1 or more)\n",
                                        optarg);
                                return 2;
                        }
                        break;
                case 'T':
                        if (!parse_long(optarg, 1, 0x7fffffffL, idle_ms)) {
                                fprintf(stderr, PROG ": bad -T '%s' (milliseconds, 1 or more)\n",
                                        optarg);
                                return 2;
                        }
                        break;
                case 'd':
                        d->dropmon = true;
                        break;
                case 's':
                        *segment = optarg;
                        break;
                case 'N':
                        d->ns = true;
                        break;
                case 'E':
                        d->events = true;
                        break;
                case 'O':
                        *flags |= CANRING_CONSUMER_OLDEST;
                        break;
                case 'h':
                        usage(stdout);
                        return -1;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        if (d->log_format && d->fmt.view) { /* candump refuses the same combination */
                fprintf(stderr,
                        "Log file format selected: Please disable ASCII/BINARY/SWAP options!\n");
                return 2;
        }
        if (*segment && canring_name_check(*segment)) {
                fprintf(stderr, PROG ": bad segment name '%s'\n", *segment);
                return 2;
        }
        return 0;
}

/* Parses the CHANNEL arguments (none: one "any"); sets the initial name width as candump does. */
static int parse_channels(struct dump *d, int argc, char **argv)
{
        static char any[] = "any";
        char err[160];
        unsigned n = argc > optind ? (unsigned)(argc - optind) : 1;

        d->sels = calloc(n, sizeof(*d->sels));
        if (!d->sels)
                return 1;
        for (unsigned i = 0; i < n; i++) {
                const char *arg = argc > optind ? argv[optind + (int)i] : any;

                if (tool_sel_parse(arg, &d->sels[i], err, sizeof(err))) {
                        fprintf(stderr, PROG ": bad channel argument '%s': %s\n", arg, err);
                        return 2;
                }
                int len = (int)strlen(d->sels[i].spec.ifname);
                if (len > d->fmt.ifname_width)
                        d->fmt.ifname_width = len;
        }
        d->nsels = n;
        return 0;
}

static int resolve_channels(struct dump *d, const char *segment)
{
        for (unsigned i = 0; i < d->nsels; i++) {
                if (tool_sel_resolve(&d->sels[i], &d->chans) == 0)
                        continue;
                fprintf(stderr, PROG ": segment '%s' has no channel '%s' (channels:",
                        segment ? segment : CANRING_DEFAULT_NAME, d->sels[i].spec.ifname);
                for (unsigned c = 0; c < d->chans.n; c++)
                        fprintf(stderr, " %s",
                                d->chans.info[c].name[0] ? d->chans.info[c].name : "-");
                fprintf(stderr, ")\n");
                return 1;
        }
        return 0;
}

static int run(struct dump *d, long idle_ms)
{
        uint64_t idle_ns = (uint64_t)idle_ms * 1000000u;
        uint64_t last = tool_mono_ns(), printed = d->printed;
        int status = 0;

        while (!tool_stop_requested() && !d->done) {
                int n = dump_batch(d);

                if (n < 0) {
                        fprintf(stderr, PROG ": %s\n", canring_strerror(n));
                        return 1;
                }
                if (!flush_out(d, &status))
                        return status;
                if (d->printed != printed) {
                        printed = d->printed;
                        last = tool_mono_ns();
                }
                if (n > 0)
                        continue;
                int timeout = -1;
                if (idle_ns) {
                        uint64_t now = tool_mono_ns();
                        if (now - last >= idle_ns)
                                break;
                        timeout = (int)((idle_ns - (now - last) + 999999) / 1000000);
                }
                switch (tool_wait(PROG, d->c, timeout)) {
                case TOOL_WAIT_READY:
                case TOOL_WAIT_TIMEOUT:
                        break;
                case TOOL_WAIT_ENDED:
                        return 0;
                case TOOL_WAIT_FAILED:
                        return 1;
                }
        }
        return 0;
}

int cmd_dump(int argc, char **argv)
{
        struct dump d;
        const char *segment = NULL;
        uint32_t flags = 0;
        long idle_ms = 0;
        int ret;

        memset(&d, 0, sizeof(d));
        ret = parse_args(&d, argc, argv, &segment, &flags, &idle_ms);
        if (ret)
                return ret < 0 ? 0 : ret;
        ret = parse_channels(&d, argc, argv);
        if (ret)
                goto out;
        tool_signals_install();
        if (tool_attach(PROG, segment, flags, &d.c)) {
                ret = 1;
                goto out;
        }
        if (tool_chans_load(&d.chans, d.c)) {
                fprintf(stderr, PROG ": out of memory\n");
                ret = 1;
                goto out_detach;
        }
        ret = resolve_channels(&d, segment);
        if (!ret)
                ret = run(&d, idle_ms);
        tool_chans_free(&d.chans);
out_detach:
        canring_consumer_detach(d.c);
out:
        tool_buf_free(&d.out);
        tool_buf_free(&d.err);
        free(d.sels);
        return ret;
}
