/* SPDX-License-Identifier: MIT */
/*
 * `canring if list [--json]`, `canring if IF show [--json]`,
 * `canring if IF set [bitrate N [sample-point P]] [dbitrate M [dsample-point P]] [restart-ms N]
 *  [up|down]`, `canring if IF restart`, `canring if IF up|down`: CAN interface discovery and
 * control (canring/ifctl.h). Every argument is checked before anything is changed.
 * `canring if --service|--segment NAME IF set|restart|up|down ...` asks the running service to do
 * it (canring/control.h): users allowed on its control socket need no CAP_NET_ADMIN of their own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canring/control.h"
#include "canring/ifctl.h"
#include "commands.h"

static void usage(FILE *out)
{
        fprintf(
            out,
            "usage: canring if list [--json]\n"
            "       canring if IF show [--json]\n"
            "       canring if IF set [bitrate N [sample-point P]] [dbitrate M [dsample-point P]]\n"
            "                         [restart-ms MS] [up|down]\n"
            "       canring if IF restart | up | down\n"
            "       canring if --service | --segment NAME IF set ... | restart | up | down\n"
            "  P is a fraction as in `ip link` (0.875). Bit timing changes need the interface\n"
            "  down: `set ... down` brings it down first, `set ... up` brings it up last.\n"
            "  --service (segment 'canring') / --segment NAME: the running service makes the\n"
            "  change, for users its control socket allows.\n");
}

static const char *fd_name(const struct canring_ifinfo *i)
{
        return i->mtu >= CANFD_MTU ? "fd" : "classic";
}

static void print_line(const struct canring_ifinfo *i)
{
        printf("%-10s %-6s %-5s %-7s mtu %-2u", i->name, i->kind[0] ? i->kind : "-",
               i->up ? "up" : "down", fd_name(i), i->mtu);
        if (i->has_bittiming) {
                printf(" bitrate %u", i->bitrate);
                if (i->dbitrate)
                        printf(" dbitrate %u", i->dbitrate);
                printf(" state %s", canring_if_state_name(i->state));
        }
        printf("\n");
}

static void print_json(const struct canring_ifinfo *i)
{
        /* Interface names are [^/\s:] without quotes or backslashes: no escaping needed. */
        printf("{\"name\":\"%s\",\"ifindex\":%d,\"kind\":\"%s\",\"up\":%s,\"running\":%s,"
               "\"mtu\":%u,\"fd\":%s",
               i->name, i->ifindex, i->kind, i->up ? "true" : "false",
               i->running ? "true" : "false", i->mtu, i->mtu >= CANFD_MTU ? "true" : "false");
        if (i->has_bittiming) {
                printf(",\"bitrate\":%u,\"sample_point\":%.3f,\"dbitrate\":%u,"
                       "\"dsample_point\":%.3f,\"state\":\"%s\",\"restart_ms\":%u,"
                       "\"ctrlmode\":%u,\"clock_hz\":%u",
                       i->bitrate, i->sample_point / 1000.0, i->dbitrate, i->dsample_point / 1000.0,
                       canring_if_state_name(i->state), i->restart_ms, i->ctrlmode, i->clock_hz);
                if (i->has_berr)
                        printf(",\"berr_counter\":{\"tx\":%u,\"rx\":%u}", i->txerr, i->rxerr);
                if (i->has_stats)
                        printf(",\"stats\":{\"bus_error\":%u,\"error_warning\":%u,"
                               "\"error_passive\":%u,\"bus_off\":%u,\"arbitration_lost\":%u,"
                               "\"restarts\":%u}",
                               i->stats.bus_error, i->stats.error_warning, i->stats.error_passive,
                               i->stats.bus_off, i->stats.arbitration_lost, i->stats.restarts);
        }
        printf("}");
}

static int do_list(int argc, char **argv)
{
        bool json = false;
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--json") == 0) {
                        json = true;
                } else {
                        fprintf(stderr, "canring if list: unknown argument '%s'\n", argv[i]);
                        return 2;
                }
        }
        struct canring_ifinfo *v = NULL;
        size_t n = 0;
        int ret = canring_if_list(&v, &n);
        if (ret < 0) {
                fprintf(stderr, "canring if list: %s\n", strerror(-ret));
                return 1;
        }
        if (json) {
                printf("[");
                for (size_t i = 0; i < n; i++) {
                        if (i)
                                printf(",");
                        print_json(&v[i]);
                }
                printf("]\n");
        } else {
                for (size_t i = 0; i < n; i++)
                        print_line(&v[i]);
        }
        free(v);
        return 0;
}

static void print_show(const struct canring_ifinfo *i)
{
        printf("%s: %s, %s%s, %s CAN (mtu %u)\n", i->name, i->kind[0] ? i->kind : "no kind",
               i->up ? "up" : "down", i->up && !i->running ? " (no carrier)" : "",
               i->mtu >= CANFD_MTU ? "FD" : "classic", i->mtu);
        if (!i->has_bittiming) {
                printf("  no controller: no bit timing, state or error counters\n");
                return;
        }
        printf("  state %s", canring_if_state_name(i->state));
        if (i->has_berr)
                printf(" (berr-counter tx %u rx %u)", i->txerr, i->rxerr);
        printf(" restart-ms %u\n", i->restart_ms);
        printf("  bitrate %u sample-point %.3f", i->bitrate, i->sample_point / 1000.0);
        if (i->dbitrate)
                printf(" dbitrate %u dsample-point %.3f", i->dbitrate, i->dsample_point / 1000.0);
        printf("\n  clock %u ctrlmode 0x%x\n", i->clock_hz, i->ctrlmode);
        if (i->has_stats)
                printf("  re-started %u bus-errors %u arbit-lost %u error-warn %u error-pass %u "
                       "bus-off %u\n",
                       i->stats.restarts, i->stats.bus_error, i->stats.arbitration_lost,
                       i->stats.error_warning, i->stats.error_passive, i->stats.bus_off);
}

static int do_show(const char *ifname, int argc, char **argv)
{
        bool json = false;
        char err[256];
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--json") == 0) {
                        json = true;
                } else {
                        fprintf(stderr, "canring if %s show: unknown argument '%s'\n", ifname,
                                argv[i]);
                        return 2;
                }
        }
        struct canring_ifinfo info;
        if (canring_if_get(ifname, &info, err, sizeof(err)) < 0) {
                fprintf(stderr, "canring if: %s\n", err);
                return 1;
        }
        if (json) {
                print_json(&info);
                printf("\n");
        } else {
                print_show(&info);
        }
        return 0;
}

static bool parse_u32(const char *s, uint32_t *out)
{
        char *end;
        errno = 0;
        if (!s || *s == '-')
                return false;
        unsigned long v = strtoul(s, &end, 10);
        if (errno || end == s || *end || v > UINT32_MAX)
                return false;
        *out = (uint32_t)v;
        return true;
}

/* A sample point as `ip link` takes it (0.875) into tenths of a percent. */
static bool parse_sp(const char *s, uint32_t *out)
{
        char *end;
        errno = 0;
        if (!s)
                return false;
        double v = strtod(s, &end);
        if (errno || end == s || *end || !(v > 0 && v < 1))
                return false;
        *out = (uint32_t)(v * 1000 + 0.5);
        return *out > 0 && *out < 1000;
}

static int do_set(struct canring_control *svc, const char *ifname, int argc, char **argv)
{
        struct canring_if_config cfg = {0};
        bool down = false, up = false; /* both may be given: down first, up last */
        char err[CANRING_CONTROL_TEXT + 64];

        for (int i = 1; i < argc; i++) {
                const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
                bool ok = true;
                if (strcmp(k, "bitrate") == 0) {
                        ok = parse_u32(v, &cfg.bitrate) && cfg.bitrate > 0;
                        cfg.set |= CANRING_IF_SET_BITRATE;
                        i++;
                } else if (strcmp(k, "sample-point") == 0) {
                        ok = parse_sp(v, &cfg.sample_point);
                        cfg.set |= CANRING_IF_SET_SAMPLE_POINT;
                        i++;
                } else if (strcmp(k, "dbitrate") == 0) {
                        ok = parse_u32(v, &cfg.dbitrate) && cfg.dbitrate > 0;
                        cfg.set |= CANRING_IF_SET_DBITRATE;
                        i++;
                } else if (strcmp(k, "dsample-point") == 0) {
                        ok = parse_sp(v, &cfg.dsample_point);
                        cfg.set |= CANRING_IF_SET_DSAMPLE_POINT;
                        i++;
                } else if (strcmp(k, "restart-ms") == 0) {
                        ok = parse_u32(v, &cfg.restart_ms);
                        cfg.set |= CANRING_IF_SET_RESTART_MS;
                        i++;
                } else if (strcmp(k, "up") == 0) {
                        up = true;
                        continue;
                } else if (strcmp(k, "down") == 0) {
                        down = true;
                        continue;
                } else {
                        fprintf(stderr, "canring if %s set: unknown setting '%s'\n", ifname, k);
                        usage(stderr);
                        return 2;
                }
                if (!ok) {
                        fprintf(stderr, "canring if %s set: bad value '%s' for %s\n", ifname,
                                v ? v : "(missing)", k);
                        return 2;
                }
        }
        if (!cfg.set && !up && !down) {
                fprintf(stderr, "canring if %s set: nothing to set\n", ifname);
                usage(stderr);
                return 2;
        }
        int rc = svc ? canring_control_if_apply(svc, ifname, &cfg, down, up, err, sizeof(err))
                     : canring_if_apply(ifname, &cfg, down, up, err, sizeof(err));
        if (rc < 0) {
                fprintf(stderr, "canring if: %s\n", err);
                return 1;
        }
        return 0;
}

/* The changes, by this process or (SVC) by the service. */
static int do_action(struct canring_control *svc, const char *ifname, const char *verb, int argc,
                     char **argv)
{
        char err[CANRING_CONTROL_TEXT + 64];
        int ret;

        if (strcmp(verb, "set") == 0)
                return do_set(svc, ifname, argc, argv);
        if (argc > 1) {
                fprintf(stderr, "canring if %s %s: unexpected argument '%s'\n", ifname, verb,
                        argv[1]);
                return 2;
        }
        if (strcmp(verb, "restart") == 0) {
                ret = svc ? canring_control_if_restart(svc, ifname, err, sizeof(err))
                          : canring_if_restart(ifname, err, sizeof(err));
        } else if (strcmp(verb, "up") == 0 || strcmp(verb, "down") == 0) {
                struct canring_if_config none = {0};
                bool up = strcmp(verb, "up") == 0;

                ret = svc ? canring_control_if_apply(svc, ifname, &none, !up, up, err, sizeof(err))
                          : canring_if_set_up(ifname, up, err, sizeof(err));
        } else {
                fprintf(stderr,
                        "canring if %s: unknown action '%s' (show, set, restart, up, down)\n",
                        ifname, verb);
                return 2;
        }
        if (ret < 0) {
                fprintf(stderr, "canring if: %s\n", err);
                return 1;
        }
        return 0;
}

int cmd_if(int argc, char **argv)
{
        const char *segment = NULL;
        bool service = false;

        /* Leading --service / --segment NAME: the changes go through the service. */
        while (argc >= 2 &&
               (strcmp(argv[1], "--service") == 0 || strcmp(argv[1], "--segment") == 0)) {
                if (strcmp(argv[1], "--segment") == 0) {
                        if (argc < 3) {
                                fprintf(stderr, "canring if: --segment needs a name\n");
                                return 2;
                        }
                        segment = argv[2];
                        argc--;
                        argv++;
                }
                service = true;
                argc--;
                argv++;
        }
        if (argc < 2) {
                usage(stderr);
                return 2;
        }
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
            strcmp(argv[1], "help") == 0) {
                usage(stdout);
                return 0;
        }
        if (strcmp(argv[1], "list") == 0 && !service)
                return do_list(argc - 1, argv + 1);
        const char *ifname = argv[1];
        if (argc < 3) {
                fprintf(stderr, "canring if %s: what to do? (show, set, restart, up, down)\n",
                        ifname);
                return 2;
        }
        const char *verb = argv[2];
        if (strcmp(verb, "show") == 0 && !service)
                return do_show(ifname, argc - 2, argv + 2);
        if (!service)
                return do_action(NULL, ifname, verb, argc - 2, argv + 2);
        if (strcmp(argv[1], "list") == 0 || strcmp(verb, "show") == 0) {
                fprintf(stderr, "canring if: list and show need no service (run them without "
                                "--service/--segment)\n");
                return 2;
        }
        struct canring_control *svc;
        char err[CANRING_CONTROL_TEXT + 64];
        if (canring_control_open(&svc, segment, err, sizeof(err)) < 0) {
                fprintf(stderr, "canring if: %s\n", err);
                return 1;
        }
        int rc = do_action(svc, ifname, verb, argc - 2, argv + 2);
        canring_control_close(svc);
        return rc;
}
