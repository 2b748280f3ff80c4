/* SPDX-License-Identifier: MIT */
/* `canring run`: the receive service. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "service.h"

static struct canring_service *running;

static void on_signal(int sig)
{
        (void)sig;
        if (running)
                canring_service_stop(running);
}

int cmd_run(int argc, char **argv)
{
        static struct canring_service_config cfg; /* large: channel table */
        struct sigaction sa;
        char err[512];
        int rc;

        canring_service_config_init(&cfg);
        rc = canring_service_config_parse_args(&cfg, argc, argv, err, sizeof(err));
        if (rc == 1) {
                fputs(canring_service_usage, stdout);
                return 0;
        }
        if (rc < 0) {
                fprintf(stderr, "canring run: %s\n", err);
                return 2;
        }
        rc = canring_service_create(&cfg, engine_channel_open, NULL, &running, err, sizeof(err));
        if (rc < 0) {
                fprintf(stderr, "canring run: %s\n", err);
                return 1;
        }
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);
        if (!cfg.quiet)
                canring_service_report(running, stderr);
        rc = canring_service_run(running, err, sizeof(err));
        if (rc < 0)
                fprintf(stderr, "canring run: %s\n", err);
        else if (!cfg.quiet)
                fprintf(stderr, "canring run: stopped, end of stream written\n");
        if (!cfg.quiet)
                canring_service_report_engine(running, stderr);
        canring_service_destroy(running);
        running = NULL;
        return rc < 0 ? 1 : 0;
}
