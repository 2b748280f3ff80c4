/* SPDX-License-Identifier: MIT */
/*
 * Parsers for the rtnetlink replies the service reads: link notifications (RTM_NEWLINK and
 * RTM_DELLINK, for the interface monitor) and statistics dumps (RTM_NEWSTATS). They take a buffer
 * exactly as recv() returned it and trust none of the lengths inside it: a message or attribute
 * whose length runs past what was received, or is too short for its header, is never followed out
 * of the buffer. The kernel does not send such messages; the parsers are safe on any input anyway
 * (tests/fuzz/fuzz_nl_parse.c).
 */
#ifndef CANRING_NL_PARSE_H
#define CANRING_NL_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "if_monitor.h"

/*
 * Calls FN once per link message in BUF that names its interface. A message too short for its
 * ifinfomsg, or without an IFLA_IFNAME, is skipped. Returns the number of calls to FN, or -EBADMSG
 * when a message header's length is shorter than the header or longer than what is left of BUF:
 * the walk ends there (nothing after it can be found), so events may have been missed, though
 * those before it were delivered.
 */
int canring_nl_parse_links(const void *buf, size_t len, canring_if_event_fn fn, void *ctx);

/*
 * Calls FN once per RTM_NEWSTATS message in BUF that carries IFLA_STATS_LINK_64. Sets *DONE when
 * BUF holds the dump's NLMSG_DONE (the walk stops there). Returns the number of calls to FN, or
 * -errno: the error an NLMSG_ERROR message reports (-EIO if it reports none or is too short to
 * say), or -EBADMSG for a message header whose length does not fit (the dump cannot go on).
 */
int canring_nl_parse_stats(const void *buf, size_t len, canring_if_stats_fn fn, void *ctx,
                           bool *done);

#endif
