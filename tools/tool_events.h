/* SPDX-License-Identifier: MIT */
/*
 * One-line descriptions of ring events and of records a consumer lost, shared by `canring dump`
 * (stderr / --events) and `canring log` (comment lines in .log files; docs/cli.md specifies the
 * format). Every line starts with "# canring " so that canplayer and log2asc, which skip lines
 * not starting with '(', skip them too, and so that a reader can grep for them.
 */
#ifndef CANRING_TOOLS_TOOL_EVENTS_H
#define CANRING_TOOLS_TOOL_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "canring/record.h"

#define TOOL_EVENT_LINE_MAX 200 /* far below canplayer's comment line limit (about 400 bytes) */

/*
 * "# canring socket-drop can0 frames=12 total=40 ts=1600000000.123456789\n" and the like for an
 * event record on channel IFNAME. Returns the length (snprintf semantics).
 */
int tool_event_line(char *buf, size_t len, const struct canring_record *r, const char *ifname);

/*
 * "# canring lost ring=0 records=1234 ts=...\n": the consumer was overrun and lost RECORDS
 * records of ring RING just before the records stamped after TS_NS (0: unknown).
 */
int tool_lost_line(char *buf, size_t len, unsigned ring, uint64_t records, uint64_t ts_ns);

/* The name of an enum can_state value as `ip -details link` prints it. */
const char *tool_can_state_name(uint64_t state);

#endif
