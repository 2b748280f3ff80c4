/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "canring/error.h"
#include "tool_reader.h"

int tool_attach(const char *prog, const char *segment, uint32_t flags,
                struct canring_consumer **out)
{
        struct canring_consumer_options opt = {.rings = 0, .flags = flags};
        const char *name = segment ? segment : CANRING_DEFAULT_NAME;
        char path[512];
        int ret = canring_consumer_attach(segment, &opt, out);

        if (!ret) {
                /* At full load a sleeping reader would be woken for every record or two; a
                 * millisecond of lingering after a wake-up lets one wake-up take a batch. */
                canring_consumer_set_coalesce(*out, TOOL_COALESCE_US);
                return 0;
        }
        if (canring_shm_path(segment, path, sizeof(path)))
                snprintf(path, sizeof(path), "?");
        if (ret == -ENOENT)
                fprintf(stderr,
                        "%s: no segment '%s' (%s does not exist): is `canring run` running?\n",
                        prog, name, path);
        else
                fprintf(stderr, "%s: cannot attach to segment '%s' (%s): %s\n", prog, name, path,
                        canring_strerror(ret));
        return ret;
}

enum tool_wait_result tool_wait(const char *prog, struct canring_consumer *c, int timeout_ms)
{
        int ret = canring_consumer_wait(c, timeout_ms);

        switch (ret) {
        case 0:
                return TOOL_WAIT_READY;
        case -ETIMEDOUT:
        case -EINTR:
                return TOOL_WAIT_TIMEOUT;
        case -EPIPE:
                return TOOL_WAIT_ENDED;
        case -EOWNERDEAD:
                fprintf(stderr, "%s: the producer of the segment died without ending the stream\n",
                        prog);
                return TOOL_WAIT_FAILED;
        case -ECONNRESET:
                fprintf(stderr, "%s: the producer was restarted; this stream has ended\n", prog);
                return TOOL_WAIT_FAILED;
        default:
                fprintf(stderr, "%s: waiting for records: %s\n", prog, canring_strerror(ret));
                return TOOL_WAIT_FAILED;
        }
}

static uint64_t clock_ns(clockid_t id)
{
        struct timespec ts;

        clock_gettime(id, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t tool_mono_ns(void)
{
        return clock_ns(CLOCK_MONOTONIC);
}

uint64_t tool_real_ns(void)
{
        return clock_ns(CLOCK_REALTIME);
}
