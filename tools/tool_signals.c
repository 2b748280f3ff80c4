/* SPDX-License-Identifier: MIT */
#include <signal.h>
#include <string.h>

#include "tool_signals.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
        if (!stop_signal)
                stop_signal = sig;
}

void tool_signals_install(void)
{
        struct sigaction sa;

        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
        /* A closed stdout pipe (`canring dump | head`) must end the loop, not kill us mid-write. */
        sa.sa_handler = SIG_IGN;
        sigaction(SIGPIPE, &sa, NULL);
}

bool tool_stop_requested(void)
{
        return stop_signal != 0;
}

int tool_stop_signal(void)
{
        return stop_signal;
}
