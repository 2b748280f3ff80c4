/* SPDX-License-Identifier: MIT */
/*
 * SIGINT, SIGTERM and SIGHUP end the tools' loops cleanly (the logger then flushes and closes its
 * file at a record boundary) instead of killing them mid-write.
 */
#ifndef CANRING_TOOLS_TOOL_SIGNALS_H
#define CANRING_TOOLS_TOOL_SIGNALS_H

#include <stdbool.h>

/* Installs the handlers (without SA_RESTART, so blocking calls return early). */
void tool_signals_install(void);

/* Whether one of the signals arrived; the number of the first one, or 0. */
bool tool_stop_requested(void);
int tool_stop_signal(void);

#endif
