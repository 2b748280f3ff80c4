/* SPDX-License-Identifier: MIT */
/*
 * Shared by `canring dump`, `log` and `stat`: the segment's channel table as a name lookup, the
 * candump-style CHANNEL[,filter]* selections of the command line, and turning a ring record back
 * into the frame and direction the text printers take. Only the public consumer API is used.
 */
#ifndef CANRING_TOOLS_TOOL_CHANNELS_H
#define CANRING_TOOLS_TOOL_CHANNELS_H

#include <stdbool.h>
#include <stddef.h>

#include "canring/consumer.h"
#include "canring/text.h"

/* The channel table of an attached segment, copied once and refreshed when it may have changed. */
struct tool_chans {
        struct canring_consumer *c;
        unsigned n;                        /* channels in the segment */
        struct canring_channel_info *info; /* n entries */
};

/* Copies the channel table. Returns 0 or -ENOMEM. */
int tool_chans_load(struct tool_chans *t, struct canring_consumer *c);
void tool_chans_free(struct tool_chans *t);

/*
 * The interface name of channel IDX. A channel the copy knows no name for is re-read (the
 * producer may have named it after we attached); a channel that still has none is "chN".
 */
const char *tool_chans_name(struct tool_chans *t, unsigned idx, char *buf, size_t len);

/* Re-reads one channel's metadata (interface up/down events change it). */
void tool_chans_refresh(struct tool_chans *t, unsigned idx);

/* Index of the channel with interface name NAME, or -1. */
int tool_chans_find(const struct tool_chans *t, const char *name);

/* One CHANNEL[,filter]* argument. */
struct tool_sel {
        const char *arg;                  /* the argument as given (candump's DROPCOUNT names it) */
        struct canring_channel_spec spec; /* parsed name and filters */
        bool filtered;                    /* the argument had a filter part */
        int channel;                      /* channel index, -1 for "any" */
};

/*
 * Parses ARG into SEL. A bare name, or "any" for every channel. Returns 0, or -EINVAL with the
 * reason in ERR.
 */
int tool_sel_parse(const char *arg, struct tool_sel *sel, char *err, size_t errlen);

/* Resolves SEL's interface name against the table: 0, or -ENODEV when no channel has that name. */
int tool_sel_resolve(struct tool_sel *sel, const struct tool_chans *t);

/*
 * Whether SEL delivers a frame with CAN_ID on CHANNEL. Without a filter part, DEFAULT_ALL decides
 * between candump's default (all data frames, no error frames) and everything (the logger's).
 */
bool tool_sel_match(const struct tool_sel *sel, unsigned channel, canid_t can_id, bool default_all);

/*
 * The frame of a CLASSIC, FD or ERROR record as the text printers take it, and its MTU. Returns
 * false for events (and anything else that is not a frame).
 */
bool tool_record_frame(const struct canring_record *r, struct canfd_frame *f, size_t *mtu);

/* candump's direction: TX for anything sent from this host (MSG_DONTROUTE), else RX. */
enum canring_dir tool_record_dir(const struct canring_record *r);

#endif
