/* SPDX-License-Identifier: MIT */
/*
 * Shared by the tool tests: a private segment directory, a producer with named channels, one-call
 * record publishing, running the tool as a child process with its output in files.
 */
#ifndef CANRING_TESTS_TOOLS_TEST_H
#define CANRING_TESTS_TOOLS_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <stdbool.h>
#include <linux/can/error.h>

#include "canring/canring.h"
#include "canring/busload.h"
#include "canring/pcap.h"
#include "canring/text.h"

#define FAIL(...)                                                                                  \
        do {                                                                                       \
                fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                                    \
                fprintf(stderr, __VA_ARGS__);                                                      \
                fprintf(stderr, "\n");                                                             \
                exit(1);                                                                           \
        } while (0)

#define CHECK(cond)                                                                                \
        do {                                                                                       \
                if (!(cond))                                                                       \
                        FAIL("check failed: %s", #cond);                                           \
        } while (0)

#define CHECK_EQ(a, b)                                                                             \
        do {                                                                                       \
                long long _a = (long long)(a), _b = (long long)(b);                                \
                if (_a != _b)                                                                      \
                        FAIL("%s == %lld, expected %s == %lld", #a, _a, #b, _b);                   \
        } while (0)

#define CHECK_STR(got, want)                                                                       \
        do {                                                                                       \
                const char *_g = (got), *_w = (want);                                              \
                if (strcmp(_g, _w) != 0)                                                           \
                        FAIL("output differs.\n--- got:\n%s--- want:\n%s---", _g, _w);             \
        } while (0)

#define TS0 1600000000123456789ull /* first record's timestamp, ns */

static char th_dir[256];
static char *th_allocs[1024]; /* freed at exit, so leak checkers see a clean test */
static unsigned th_nallocs;

static inline const char *th_tool(void)
{
        const char *env = getenv("CANRING_TOOL_BIN");
        return env && *env ? env : TOOL_BIN;
}

/* A private segment directory (CANRING_SHM_DIR) and scratch directory; removed at exit. */
static void th_cleanup(void)
{
        char cmd[512];

        for (unsigned i = 0; i < th_nallocs; i++)
                free(th_allocs[i]);
        if (th_dir[0] && !getenv("CANRING_TEST_KEEP")) {
                snprintf(cmd, sizeof(cmd), "rm -rf '%s'", th_dir);
                if (system(cmd))
                        fprintf(stderr, "could not remove %s\n", th_dir);
        }
}

static inline void th_setup(void)
{
        snprintf(th_dir, sizeof(th_dir), "/tmp/canring-tooltest-XXXXXX");
        if (!mkdtemp(th_dir))
                FAIL("mkdtemp: %s", strerror(errno));
        setenv("CANRING_SHM_DIR", th_dir, 1);
        setenv("TZ", "UTC", 1);
        atexit(th_cleanup);
}

/* A producer "seg" with the given channel names (bitrate for all), one ring of RING_BYTES. */
static inline struct canring_producer *th_producer(const char *const *names, unsigned n,
                                                   uint32_t ring_bytes, uint32_t bitrate)
{
        struct canring_producer_config cfg = {.name = "seg",
                                              .nrings = 1,
                                              .ring_size = ring_bytes,
                                              .nchannels = n,
                                              .max_consumers = 8};
        struct canring_producer *p;
        int ret = canring_producer_create(&cfg, &p);

        if (ret)
                FAIL("producer: %s", canring_strerror(ret));
        for (unsigned i = 0; i < n; i++) {
                struct canring_channel_info info;

                memset(&info, 0, sizeof(info));
                snprintf(info.name, sizeof(info.name), "%s", names[i]);
                info.ifindex = i + 1;
                info.flags = CANRING_CHAN_UP | CANRING_CHAN_FD;
                info.bitrate = bitrate;
                info.dbitrate = bitrate ? 2000000 : 0;
                CHECK_EQ(canring_producer_set_channel(p, i, &info), 0);
        }
        return p;
}

/* Publishes a copy of R (kind, channel, flags, timestamps, payload) as one record. */
static inline void th_publish(struct canring_producer *p, const struct canring_record *r)
{
        struct canring_batch b;
        struct canring_record *w;
        int ret = canring_producer_reserve(p, 0, 3, &b);

        if (ret)
                FAIL("reserve: %s", canring_strerror(ret));
        w = canring_batch_add(&b, r->kind);
        CHECK(w != NULL);
        w->sw_ts_ns = r->sw_ts_ns;
        w->hw_ts_ns = r->hw_ts_ns;
        w->channel = r->channel;
        w->flags = r->flags;
        memset(w->__pad, 0, sizeof(w->__pad));
        if (r->kind == CANRING_KIND_FD)
                w->canfd = r->canfd;
        else if (r->kind == CANRING_KIND_EVENT)
                w->event = r->event;
        else
                w->can = r->can;
        CHECK(canring_producer_commit(p, &b) >= 0);
}

static inline struct canring_record th_classic(unsigned ch, canid_t id, const char *hex,
                                               uint64_t ts)
{
        struct canring_record r;

        memset(&r, 0, sizeof(r));
        r.kind = (id & CAN_ERR_FLAG) ? CANRING_KIND_ERROR : CANRING_KIND_CLASSIC;
        r.channel = (uint16_t)ch;
        r.sw_ts_ns = ts;
        r.can.can_id = id;
        for (size_t i = 0; hex && hex[2 * i]; i++) {
                unsigned v;
                sscanf(hex + 2 * i, "%2x", &v);
                r.can.data[i] = (uint8_t)v;
                r.can.len = (uint8_t)(i + 1);
        }
        return r;
}

/* Starts the tool with ARGS (NULL-terminated); stdout/stderr go to files OUT and ERR. */
static inline pid_t th_spawn(const char *out, const char *err, rlim_t fsize, char *const args[])
{
        char *argv[64];
        int n = 0;
        pid_t pid;

        argv[n++] = (char *)th_tool();
        for (int i = 0; args[i] && n < 62; i++)
                argv[n++] = args[i];
        argv[n] = NULL;
        fflush(NULL);
        pid = fork();
        if (pid < 0)
                FAIL("fork: %s", strerror(errno));
        if (pid == 0) {
                int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
                int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
                if (o < 0 || e < 0)
                        _exit(126);
                dup2(o, 1);
                dup2(e, 2);
                if (fsize) {
                        struct rlimit rl = {fsize, fsize};
                        signal(SIGXFSZ, SIG_IGN); /* writes past the limit fail with EFBIG */
                        setrlimit(RLIMIT_FSIZE, &rl);
                }
                execv(argv[0], argv);
                _exit(127);
        }
        return pid;
}

static inline int th_wait(pid_t pid)
{
        int st;

        while (waitpid(pid, &st, 0) < 0)
                if (errno != EINTR)
                        FAIL("waitpid: %s", strerror(errno));
        if (WIFSIGNALED(st))
                return 128 + WTERMSIG(st);
        return WEXITSTATUS(st);
}

/* Reads a whole file into a NUL-terminated malloc'd string (SIZE: its length). */
static inline char *th_slurp(const char *path, size_t *size)
{
        FILE *f = fopen(path, "rb");
        char *buf;
        long len;

        if (!f)
                FAIL("open %s: %s", path, strerror(errno));
        fseek(f, 0, SEEK_END);
        len = ftell(f);
        fseek(f, 0, SEEK_SET);
        buf = malloc((size_t)len + 1);
        CHECK(buf != NULL);
        CHECK_EQ(fread(buf, 1, (size_t)len, f), len);
        buf[len] = '\0';
        fclose(f);
        if (th_nallocs < sizeof(th_allocs) / sizeof(th_allocs[0]))
                th_allocs[th_nallocs++] = buf;
        if (size)
                *size = (size_t)len;
        return buf;
}

static inline char *th_path(const char *name)
{
        static char bufs[8][512];
        static int next;
        char *b = bufs[next++ % 8];

        snprintf(b, 512, "%s/%s", th_dir, name);
        return b;
}

/*
 * Runs the tool to completion; returns its exit status and leaves stdout/stderr in
 * th_path("out") / th_path("err"). args are the tool's arguments, NULL-terminated.
 */
static inline int th_run(char *const args[])
{
        return th_wait(th_spawn(th_path("out"), th_path("err"), 0, args));
}

/* Waits until N consumers are attached (the tool is reading), with a generous limit. */
static inline void th_wait_consumers(struct canring_producer *p, int n)
{
        for (int i = 0; i < 3000; i++) {
                if (canring_producer_consumers(p) >= n)
                        return;
                usleep(10000);
        }
        FAIL("the tool never attached");
}

#endif
