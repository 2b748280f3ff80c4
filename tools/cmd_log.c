/* SPDX-License-Identifier: MIT */
/*
 * `canring log`: writes the stream to candump .log files or pcap files, rotating by size and
 * time. Each batch of records is encoded first and committed to the file only after the ring
 * confirmed it was intact, so a file holds exactly the records that were read, plus a comment
 * line wherever records were lost (docs/cli.md). Files only ever end at a whole record, also when
 * the disk fills up or the process is told to stop.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "canring/consumer.h"
#include "canring/error.h"
#include "canring/pcap.h"
#include "canring/text.h"
#include "commands.h"
#include "tool_buf.h"
#include "tool_channels.h"
#include "tool_events.h"
#include "tool_file.h"
#include "tool_logline.h"
#include "tool_reader.h"
#include "tool_signals.h"

#define PROG          "canring log"
#define BATCH         256           /* records per read */
#define DRAIN_NS      1000000000ull /* after a stop signal: read what is there for at most 1 s */
#define WAIT_SLICE_MS 200           /* longest sleep, so timers and signals are noticed */

enum log_format { FMT_LOG, FMT_PCAP };
enum flush_mode { FLUSH_BATCH, FLUSH_EVERY, FLUSH_PERIOD };

struct logger {
        struct canring_consumer *c;
        struct tool_chans chans;
        struct tool_sel *sels; /* NULL: every channel */
        unsigned nsels;
        enum log_format format;
        bool ns;
        const char *dir;
        const char *pattern;
        uint64_t rotate_size; /* bytes, 0: never */
        uint64_t rotate_ns;   /* ns, 0: never */
        enum flush_mode flush;
        uint64_t flush_period_ns; /* FLUSH_PERIOD */

        struct tool_file file;
        unsigned index;         /* number of the current file */
        uint64_t opened_ns;     /* CLOCK_MONOTONIC when the current file was created */
        uint64_t last_flush_ns; /* CLOCK_MONOTONIC of the last flush */
        bool rotate_due;        /* the time limit of the current file has passed */

        struct tool_buf stage; /* the current batch, encoded */
        uint32_t ends[BATCH];  /* end offset of each staged record */
        unsigned nstaged;

        uint64_t records; /* records committed to files */
        uint64_t lost;    /* records this reader lost to overrun */
        unsigned files;
};

static void usage(FILE *out)
{
        fprintf(
            out,
            "usage: canring log [OPTIONS] [CHANNEL[,filter]*]...\n"
            "  Writes the canring stream to files. CHANNEL selects channels by interface name\n"
            "  (none: all); filters are candump's. Without filters every frame is written,\n"
            "  error frames included.\n"
            "  --format log|pcap    candump .log lines (default) or pcap (SocketCAN link type)\n"
            "  --dir DIR            directory of the files (default .)\n"
            "  --name PATTERN       strftime pattern, %%i = file number\n"
            "                       (default canring-%%Y%%m%%d-%%H%%M%%S-%%i.log or .pcap)\n"
            "  --rotate-size BYTES  start a new file before one would exceed BYTES (k, M, G)\n"
            "  --rotate-time SEC    start a new file every SEC seconds\n"
            "  --flush every|batch|SEC  write after every record, every batch (default), or\n"
            "                       at least every SEC seconds\n"
            "  --ns                 nanosecond timestamps (9 digits in .log, ns pcap)\n"
            "  --tethered           the service may not overrun this logger (it drops and\n"
            "                       counts in the kernel instead)\n"
            "  --oldest             start at the oldest record still in the ring\n"
            "  --segment NAME       segment name (default '%s')\n",
            CANRING_DEFAULT_NAME);
}

static bool parse_size(const char *s, uint64_t *out)
{
        char *end;

        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno || end == s || *s == '-')
                return false;
        switch (*end) {
        case 'k':
        case 'K':
                v <<= 10, end++;
                break;
        case 'M':
                v <<= 20, end++;
                break;
        case 'G':
                v <<= 30, end++;
                break;
        default:
                break;
        }
        if (*end || v == 0)
                return false;
        *out = v;
        return true;
}

/* Seconds, fractions allowed, > 0 and at most a year. */
static bool parse_seconds(const char *s, uint64_t *ns)
{
        char *end;

        errno = 0;
        double v = strtod(s, &end);
        if (errno || end == s || *end || !(v > 0) || v > 366.0 * 86400)
                return false;
        *ns = (uint64_t)(v * 1e9);
        return *ns > 0;
}

static int open_next(struct logger *l)
{
        uint8_t hdr[CANRING_PCAP_FILE_HEADER_LEN];
        char name[1024];
        int hlen = 0, ret;

        ret = tool_file_name(name, sizeof(name), l->pattern, l->index, time(NULL));
        if (ret) {
                fprintf(stderr, PROG ": bad --name pattern '%s': %s\n", l->pattern,
                        ret == -EINVAL ? "it must give a file name without '/'"
                                       : canring_strerror(ret));
                return ret;
        }
        if (l->format == FMT_PCAP)
                hlen = canring_pcap_file_header(hdr, sizeof(hdr), l->ns ? CANRING_PCAP_NS : 0);
        ret = tool_file_create(&l->file, l->dir, name,
                               l->format == FMT_PCAP ? TOOL_FILE_PCAP : TOOL_FILE_LINES, hdr,
                               hlen > 0 ? (size_t)hlen : 0);
        if (ret) {
                fprintf(stderr, PROG ": cannot create %s/%s: %s\n", l->dir, name,
                        canring_strerror(ret));
                return ret;
        }
        fprintf(stderr, PROG ": writing %s\n", l->file.path);
        l->index++;
        l->files++;
        l->opened_ns = tool_mono_ns();
        l->rotate_due = false;
        return 0;
}

static int report_write_error(struct logger *l, int err)
{
        fprintf(stderr,
                PROG ": writing %s: %s; the file ends at its last complete record (%llu bytes)\n",
                l->file.path, canring_strerror(err), (unsigned long long)l->file.written);
        return err;
}

/* Adds one encoded record to the current file, starting the next file first where due. */
static int commit(struct logger *l, const char *rec, size_t len)
{
        int ret;

        if (l->file.records && (l->rotate_due || (l->rotate_size && tool_file_size(&l->file) + len >
                                                                        l->rotate_size))) {
                ret = tool_file_close(&l->file, true);
                if (ret)
                        return report_write_error(l, ret);
                ret = open_next(l);
                if (ret)
                        return ret;
        }
        ret = tool_file_append(&l->file, rec, len);
        if (!ret && l->flush == FLUSH_EVERY)
                ret = tool_file_flush(&l->file);
        if (ret)
                return report_write_error(l, ret);
        l->records++;
        return 0;
}

static bool selected(const struct logger *l, const struct canring_record *r, canid_t id,
                     bool is_event)
{
        if (!l->sels)
                return true;
        for (unsigned i = 0; i < l->nsels; i++) {
                const struct tool_sel *s = &l->sels[i];

                if (is_event ? s->channel < 0 || (unsigned)s->channel == r->channel
                             : tool_sel_match(s, r->channel, id, true))
                        return true;
        }
        return false;
}

/* Encodes one record into the staging buffer (or, for pcap, events onto stderr). */
static int stage(struct logger *l, const struct canring_record *r)
{
        char name_buf[24];
        struct canfd_frame f;
        size_t mtu;
        int n;

        if (r->kind == CANRING_KIND_EVENT) {
                const struct canring_event *e = &r->event;
                char line[TOOL_EVENT_LINE_MAX];

                if (e->type == CANRING_EVENT_IF_UP || e->type == CANRING_EVENT_IF_DOWN)
                        tool_chans_refresh(&l->chans, r->channel);
                if (e->type != CANRING_EVENT_END_OF_STREAM && !selected(l, r, 0, true))
                        return 0;
                n = tool_event_line(
                    line, sizeof(line), r,
                    tool_chans_name(&l->chans, r->channel, name_buf, sizeof(name_buf)));
                if (n <= 0 || (size_t)n >= sizeof(line))
                        return 0;
                if (l->format == FMT_PCAP) { /* pcap has no place for them */
                        fprintf(stderr, PROG ": %s", line);
                        return 0;
                }
                if (tool_buf_add(&l->stage, line, (size_t)n))
                        return -ENOMEM;
                l->ends[l->nstaged++] = (uint32_t)l->stage.len;
                return 0;
        }
        if (!tool_record_frame(r, &f, &mtu) || !selected(l, r, f.can_id, false))
                return 0;
        if (l->format == FMT_PCAP) {
                uint8_t *dst = (uint8_t *)tool_buf_reserve(&l->stage, CANRING_PCAP_RECORD_MAX);

                if (!dst)
                        return -ENOMEM;
                n = canring_pcap_record(dst, CANRING_PCAP_RECORD_MAX, l->ns ? CANRING_PCAP_NS : 0,
                                        r->sw_ts_ns, &f, mtu);
                if (n < 0)
                        return 0; /* a frame the link type cannot hold; cannot come from a socket */
        } else {
                char *dst = tool_buf_reserve(&l->stage, CANRING_LOG_LINE_MAX);

                if (!dst)
                        return -ENOMEM;
                n = tool_log_line(
                    dst, r->sw_ts_ns,
                    tool_chans_name(&l->chans, r->channel, name_buf, sizeof(name_buf)), &f, mtu,
                    tool_record_dir(r), l->ns);
                if (n <= 0 || n >= CANRING_LOG_LINE_MAX)
                        return 0;
        }
        l->stage.len += (size_t)n;
        l->ends[l->nstaged++] = (uint32_t)l->stage.len;
        return 0;
}

/* Reads one batch and commits it. Returns records read, or -errno (already reported). */
static int log_batch(struct logger *l)
{
        const struct canring_record *recs[BATCH];
        uint64_t lost_before = canring_consumer_lost(l->c);
        uint64_t first_ts = 0;
        int n = canring_consumer_read(l->c, recs, BATCH);
        int ret = 0;

        if (n <= 0)
                return n;
        l->stage.len = 0;
        l->nstaged = 0;
        first_ts = recs[0]->sw_ts_ns;
        for (int i = 0; i < n && !ret; i++)
                ret = stage(l, recs[i]);
        unsigned ring = canring_consumer_batch_ring(l->c);
        bool intact = canring_consumer_release(l->c) == 0;
        if (ret) {
                fprintf(stderr, PROG ": %s\n", canring_strerror(ret));
                return ret;
        }
        uint64_t lost = canring_consumer_lost(l->c) - lost_before;
        if (l->rotate_ns && tool_mono_ns() - l->opened_ns >= l->rotate_ns)
                l->rotate_due = true;
        if (lost) {
                char line[TOOL_EVENT_LINE_MAX];
                int len = tool_lost_line(line, sizeof(line), ring, lost, intact ? first_ts : 0);

                l->lost += lost;
                if (l->format == FMT_PCAP)
                        fprintf(stderr, PROG ": %s", line);
                else if ((ret = commit(l, line, (size_t)len)))
                        return ret;
        }
        if (!intact)
                return n;
        for (unsigned i = 0, start = 0; i < l->nstaged; start = l->ends[i++]) {
                ret = commit(l, l->stage.p + start, l->ends[i] - start);
                if (ret)
                        return ret;
        }
        if (l->flush == FLUSH_BATCH) {
                ret = tool_file_flush(&l->file);
                if (ret)
                        return report_write_error(l, ret);
        }
        return n;
}

static int maybe_flush_period(struct logger *l)
{
        uint64_t now = tool_mono_ns();
        int ret;

        if (l->flush != FLUSH_PERIOD || now - l->last_flush_ns < l->flush_period_ns)
                return 0;
        l->last_flush_ns = now;
        ret = tool_file_flush(&l->file);
        return ret ? report_write_error(l, ret) : 0;
}

static int run(struct logger *l)
{
        uint64_t stop_at = 0;

        l->last_flush_ns = tool_mono_ns();
        for (;;) {
                if (tool_stop_requested() && !stop_at)
                        stop_at = tool_mono_ns() + DRAIN_NS;
                int n = log_batch(l);

                if (n < 0)
                        return 1;
                if (maybe_flush_period(l))
                        return 1;
                if (stop_at && (n == 0 || tool_mono_ns() >= stop_at))
                        return 0;
                if (n > 0)
                        continue;
                switch (tool_wait(PROG, l->c, WAIT_SLICE_MS)) {
                case TOOL_WAIT_READY:
                case TOOL_WAIT_TIMEOUT:
                        break;
                case TOOL_WAIT_ENDED:
                        return 0;
                case TOOL_WAIT_FAILED:
                        return 1;
                }
        }
}

static int parse_args(struct logger *l, int argc, char **argv, const char **segment,
                      uint32_t *flags)
{
        static const struct option opts[] = {
            {"format", required_argument, NULL, 'f'},
            {"dir", required_argument, NULL, 'd'},
            {"name", required_argument, NULL, 'n'},
            {"rotate-size", required_argument, NULL, 'S'},
            {"rotate-time", required_argument, NULL, 'T'},
            {"flush", required_argument, NULL, 'F'},
            {"ns", no_argument, NULL, 'N'},
            {"tethered", no_argument, NULL, 't'},
            {"oldest", no_argument, NULL, 'O'},
            {"segment", required_argument, NULL, 's'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        int opt;

        optind = 1;
        while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
                switch (opt) {
                case 'f':
                        if (strcmp(optarg, "log") == 0)
                                l->format = FMT_LOG;
                        else if (strcmp(optarg, "pcap") == 0)
                                l->format = FMT_PCAP;
                        else {
                                fprintf(stderr, PROG ": bad --format '%s' (log or pcap)\n", optarg);
                                return 2;
                        }
                        break;
                case 'd':
                        l->dir = optarg;
                        break;
                case 'n':
                        l->pattern = optarg;
                        break;
                case 'S':
                        if (!parse_size(optarg, &l->rotate_size)) {
                                fprintf(stderr,
                                        PROG ": bad --rotate-size '%s' (bytes > 0, k/M/G)\n",
                                        optarg);
                                return 2;
                        }
                        break;
                case 'T':
                        if (!parse_seconds(optarg, &l->rotate_ns)) {
                                fprintf(stderr, PROG ": bad --rotate-time '%s' (seconds > 0)\n",
                                        optarg);
                                return 2;
                        }
                        break;
                case 'F':
                        if (strcmp(optarg, "every") == 0)
                                l->flush = FLUSH_EVERY;
                        else if (strcmp(optarg, "batch") == 0)
                                l->flush = FLUSH_BATCH;
                        else if (parse_seconds(optarg, &l->flush_period_ns))
                                l->flush = FLUSH_PERIOD;
                        else {
                                fprintf(stderr,
                                        PROG ": bad --flush '%s' (every, batch or seconds)\n",
                                        optarg);
                                return 2;
                        }
                        break;
                case 'N':
                        l->ns = true;
                        break;
                case 't':
                        *flags |= CANRING_CONSUMER_TETHERED;
                        break;
                case 'O':
                        *flags |= CANRING_CONSUMER_OLDEST;
                        break;
                case 's':
                        *segment = optarg;
                        break;
                case 'h':
                        usage(stdout);
                        return -1;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        if (*segment && canring_name_check(*segment)) {
                fprintf(stderr, PROG ": bad segment name '%s'\n", *segment);
                return 2;
        }
        if (!l->pattern)
                l->pattern = l->format == FMT_PCAP ? "canring-%Y%m%d-%H%M%S-%i.pcap"
                                                   : "canring-%Y%m%d-%H%M%S-%i.log";
        if (!l->dir)
                l->dir = ".";
        if (argc > optind) {
                char err[160];

                l->nsels = (unsigned)(argc - optind);
                l->sels = calloc(l->nsels, sizeof(*l->sels));
                if (!l->sels)
                        return 1;
                for (unsigned i = 0; i < l->nsels; i++) {
                        const char *arg = argv[optind + (int)i];

                        if (tool_sel_parse(arg, &l->sels[i], err, sizeof(err))) {
                                fprintf(stderr, PROG ": bad channel argument '%s': %s\n", arg, err);
                                return 2;
                        }
                }
        }
        return 0;
}

int cmd_log(int argc, char **argv)
{
        struct logger l;
        const char *segment = NULL;
        uint32_t flags = 0;
        int ret, status;

        memset(&l, 0, sizeof(l));
        l.file.fd = -1;
        ret = parse_args(&l, argc, argv, &segment, &flags);
        if (ret) {
                free(l.sels);
                return ret < 0 ? 0 : ret;
        }
        tool_signals_install();
        if (tool_attach(PROG, segment, flags, &l.c)) {
                free(l.sels);
                return 1;
        }
        status = 1;
        if (tool_chans_load(&l.chans, l.c)) {
                fprintf(stderr, PROG ": out of memory\n");
                goto out;
        }
        for (unsigned i = 0; i < l.nsels; i++) {
                if (tool_sel_resolve(&l.sels[i], &l.chans)) {
                        fprintf(stderr, PROG ": segment '%s' has no channel '%s'\n",
                                segment ? segment : CANRING_DEFAULT_NAME, l.sels[i].spec.ifname);
                        goto out;
                }
        }
        if (open_next(&l))
                goto out;
        status = run(&l);
        ret = tool_file_close(&l.file, true);
        if (ret && !status) {
                report_write_error(&l, ret);
                status = 1;
        }
        fprintf(stderr, PROG ": %llu records in %u file%s, %llu lost\n",
                (unsigned long long)l.records, l.files, l.files == 1 ? "" : "s",
                (unsigned long long)l.lost);
out:
        tool_file_close(&l.file, false);
        tool_chans_free(&l.chans);
        canring_consumer_detach(l.c);
        tool_buf_free(&l.stage);
        free(l.sels);
        return status;
}
