/* SPDX-License-Identifier: MIT */
/*
 * The candump log line of canring_log_line_print() (name width 0, CANRING_PRINT_LEN8_DLC),
 * formatted by hand: the logger writes one per frame at up to hundreds of thousands per second,
 * and printf-based formatting costs several times the whole rest of the path. The bytes are the
 * library's; tests/tools/test_tool_logline.c compares the two over many frames.
 */
#ifndef CANRING_TOOLS_TOOL_LOGLINE_H
#define CANRING_TOOLS_TOOL_LOGLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canring/text.h"

/*
 * Writes the line (with "\n", without NUL) into BUF, which must hold CANRING_LOG_LINE_MAX bytes;
 * returns its length, or -1 when IFNAME is too long to fit.
 */
int tool_log_line(char *buf, uint64_t ts_ns, const char *ifname, const struct canfd_frame *f,
                  size_t mtu, enum canring_dir dir, bool ns);

#endif
