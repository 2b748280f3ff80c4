/* SPDX-License-Identifier: MIT */
/*
 * Attaching to a segment and waiting on it, with the messages every tool gives for the same
 * failures ("no segment ... is `canring run` running?", "the service died").
 */
#ifndef CANRING_TOOLS_TOOL_READER_H
#define CANRING_TOOLS_TOOL_READER_H

#include <stdint.h>

#include "canring/consumer.h"

/* Wake-up coalescing of the tools' readers (canring_consumer_set_coalesce), microseconds. */
#define TOOL_COALESCE_US 1000

/* Attaches as canring_consumer_attach() does; on failure prints why, prefixed with PROG. */
int tool_attach(const char *prog, const char *segment, uint32_t flags,
                struct canring_consumer **out);

/* Outcome of tool_wait(). */
enum tool_wait_result {
        TOOL_WAIT_READY = 0, /* records available */
        TOOL_WAIT_TIMEOUT,   /* nothing within the timeout (or a signal interrupted the wait) */
        TOOL_WAIT_ENDED,     /* the producer ended the stream; everything has been read */
        TOOL_WAIT_FAILED,    /* the producer died or was replaced; a message was printed */
};

enum tool_wait_result tool_wait(const char *prog, struct canring_consumer *c, int timeout_ms);

/* CLOCK_MONOTONIC / CLOCK_REALTIME in ns. */
uint64_t tool_mono_ns(void);
uint64_t tool_real_ns(void);

#endif
