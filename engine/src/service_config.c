/* SPDX-License-Identifier: MIT */
/*
 * `canring run` configuration. The command line and the config file share one table of options,
 * so every long option is also a config key and the two can never drift apart.
 */
#include "service_config.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char canring_service_usage[] =
    "usage: canring run [OPTIONS] CHANNEL...\n"
    "\n"
    "Receives CAN traffic from the channels into the shared-memory segment until SIGINT/SIGTERM.\n"
    "CHANNEL is candump's syntax: IF[,ID:MASK|ID~MASK|#ERRMASK|j]...  (8-digit ids are extended;\n"
    "  ~ inverts a filter; #ERRMASK receives error frames; j joins filters; IF 'any' = every "
    "interface)\n"
    "\n"
    "options (each is also a `key = value` line of a --config file):\n"
    "  --segment NAME       shared-memory segment name (default canring)\n"
    "  --ring-size BYTES    bytes per ring, power of two, K/M/G suffixes (default 4M)\n"
    "  --threads N          engine threads, one ring each; channels sharded round-robin (default "
    "1)\n"
    "  --cpu LIST           pin engine thread i to the i-th CPU of LIST (e.g. 0,1)\n"
    "  --consumers N        consumer slots in the segment (default 64)\n"
    "  --fd                 receive CAN FD frames (every channel must have the FD MTU)\n"
    "  --own                also receive the frames the service itself sends (control socket\n"
    "                       sends come back flagged TX, as python-can's receive_own_messages)\n"
    "  --control-mode MODE  permissions of the control socket, octal (default 0660)\n"
    "  --control-group GRP  group of the control socket (default: the service's)\n"
    "  --rcvbuf BYTES       socket receive buffer (SO_RCVBUFFORCE, else SO_RCVBUF; default 8M)\n"
    "  --hw-timestamps      ask drivers for hardware receive timestamps as well\n"
    "  --coalesce-us US     after a batch, let completions gather for US before the next,\n"
    "                       and wake readers once per 4 x US of traffic (fewer wake-ups per\n"
    "                       frame, up to 4 x US more latency; default 1000, 0 = off)\n"
    "  --config FILE        read options and `channel = SPEC` lines from FILE\n"
    "  --quiet              no start-up or exit report\n"
    "  --help               this text\n";

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
        return -EINVAL;
}

void canring_service_config_init(struct canring_service_config *cfg)
{
        memset(cfg, 0, sizeof(*cfg));
        snprintf(cfg->segment, sizeof(cfg->segment), "%s", CANRING_DEFAULT_NAME);
        cfg->ring_size = 4u << 20;
        cfg->threads = 1;
        cfg->max_consumers = 64;
        /* At full blast a 212 KiB default socket buffer overflows while the engine thread is
         * descheduled; 8 MiB rides that out (SO_RCVBUFFORCE when privileged). */
        cfg->rcvbuf = 8u << 20;
        /* The engine sleeps this long after a batch so that the next wait finds many completions
         * (docs/engine.md). 1 ms, as the tools' consumer wake-ups: in the lab it cost 0.69x the
         * recvmmsg loop's CPU per frame where 0.5 ms cost 0.81x (docs/benchmarks.md). */
        cfg->coalesce_us = 1000;
        cfg->control_mode = 0660;
        cfg->control_gid = -1;
}

int canring_parse_size(const char *text, uint64_t *out)
{
        char *end;
        unsigned long long v;
        unsigned shift = 0;

        if (!text || !isdigit((unsigned char)*text))
                return -EINVAL;
        errno = 0;
        v = strtoull(text, &end, 10);
        if (errno)
                return -EINVAL;
        switch (toupper((unsigned char)*end)) {
        case 'K':
                shift = 10;
                break;
        case 'M':
                shift = 20;
                break;
        case 'G':
                shift = 30;
                break;
        case '\0':
                break;
        default:
                return -EINVAL;
        }
        if (*end && end[1] &&
            !(toupper((unsigned char)end[1]) == 'I' && end[2] == 'B' && !end[3]) &&
            !(toupper((unsigned char)end[1]) == 'B' && !end[2]))
                return -EINVAL; /* accepts 4M, 4MB, 4MiB */
        if (v > (UINT64_MAX >> shift))
                return -EINVAL;
        *out = (uint64_t)v << shift;
        return 0;
}

static int parse_uint(const char *text, uint64_t max, uint64_t *out)
{
        char *end;
        unsigned long long v;

        if (!text || !isdigit((unsigned char)*text))
                return -EINVAL;
        errno = 0;
        v = strtoull(text, &end, 10);
        if (errno || *end || v > max)
                return -EINVAL;
        *out = v;
        return 0;
}

static int parse_bool(const char *text, bool *out)
{
        static const char *const yes[] = {"1", "on", "yes", "true"};
        static const char *const no[] = {"0", "off", "no", "false"};

        for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
                if (strcasecmp(text, yes[i]) == 0) {
                        *out = true;
                        return 0;
                }
                if (strcasecmp(text, no[i]) == 0) {
                        *out = false;
                        return 0;
                }
        }
        return -EINVAL;
}

static int add_channel(struct canring_service_config *cfg, const char *spec, char *err,
                       size_t errlen)
{
        char why[160];

        if (cfg->nchannels >= CANRING_SERVICE_MAX_CHANNELS)
                return fail(err, errlen, "channel '%s': more than %d channels", spec,
                            CANRING_SERVICE_MAX_CHANNELS);
        if (canring_channel_spec_parse(spec, &cfg->channels[cfg->nchannels], why, sizeof(why)) < 0)
                return fail(err, errlen, "channel '%s': %s", spec, why);
        cfg->nchannels++;
        return 0;
}

static int parse_cpus(struct canring_service_config *cfg, const char *list, char *err,
                      size_t errlen)
{
        char buf[256];
        char *save = NULL;
        unsigned n = 0;
        uint64_t cpu;

        snprintf(buf, sizeof(buf), "%s", list);
        for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                if (n >= CANRING_SERVICE_MAX_THREADS || parse_uint(tok, 4095, &cpu) < 0)
                        return fail(err, errlen,
                                    "--cpu '%s': expected up to %d CPU numbers, e.g. 0,1", list,
                                    CANRING_SERVICE_MAX_THREADS);
                cfg->cpus[n++] = (int)cpu;
        }
        if (n == 0)
                return fail(err, errlen, "--cpu needs at least one CPU number");
        cfg->ncpus = n;
        return 0;
}

enum opt_kind { OPT_FLAG, OPT_VALUE };

struct option_def {
        const char *name;
        enum opt_kind kind;
};

static const struct option_def options[] = {
    {"segment", OPT_VALUE},      {"ring-size", OPT_VALUE},
    {"threads", OPT_VALUE},      {"cpu", OPT_VALUE},
    {"consumers", OPT_VALUE},    {"fd", OPT_FLAG},
    {"own", OPT_FLAG},           {"rcvbuf", OPT_VALUE},
    {"hw-timestamps", OPT_FLAG}, {"config", OPT_VALUE},
    {"coalesce-us", OPT_VALUE},  {"quiet", OPT_FLAG},
    {"channel", OPT_VALUE},      {"help", OPT_FLAG},
    {"control-mode", OPT_VALUE}, {"control-group", OPT_VALUE},
};

static const struct option_def *find_option(const char *name, size_t len)
{
        for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
                if (strlen(options[i].name) == len && strncmp(options[i].name, name, len) == 0)
                        return &options[i];
        return NULL;
}

/* Applies one option; VALUE is NULL for a flag given without value. Returns 0, 1 (help), -EINVAL.
 */
static int apply(struct canring_service_config *cfg, const char *name, const char *value, int depth,
                 char *err, size_t errlen)
{
        uint64_t v;
        bool b = true;

        if (strcmp(name, "segment") == 0) {
                int rc = canring_name_check(value);

                if (rc < 0)
                        return fail(err, errlen,
                                    "--segment '%s': a name is 1..%d characters without '/'", value,
                                    CANRING_NAME_MAX);
                snprintf(cfg->segment, sizeof(cfg->segment), "%s", value);
        } else if (strcmp(name, "ring-size") == 0) {
                if (canring_parse_size(value, &v) < 0 || v < CANRING_RING_MIN ||
                    v > CANRING_RING_MAX || (v & (v - 1)))
                        return fail(err, errlen,
                                    "--ring-size '%s': a power of two from %u to %u bytes (K/M/G "
                                    "suffixes allowed)",
                                    value, CANRING_RING_MIN, CANRING_RING_MAX);
                cfg->ring_size = (uint32_t)v;
        } else if (strcmp(name, "threads") == 0) {
                if (parse_uint(value, CANRING_SERVICE_MAX_THREADS, &v) < 0 || v == 0)
                        return fail(err, errlen, "--threads '%s': 1 to %d", value,
                                    CANRING_SERVICE_MAX_THREADS);
                cfg->threads = (uint32_t)v;
        } else if (strcmp(name, "cpu") == 0) {
                return parse_cpus(cfg, value, err, errlen);
        } else if (strcmp(name, "consumers") == 0) {
                if (parse_uint(value, CANRING_MAX_CONSUMERS, &v) < 0 || v == 0)
                        return fail(err, errlen, "--consumers '%s': 1 to %d", value,
                                    CANRING_MAX_CONSUMERS);
                cfg->max_consumers = (uint32_t)v;
        } else if (strcmp(name, "rcvbuf") == 0) {
                if (canring_parse_size(value, &v) < 0 || v == 0 || v > (1u << 30))
                        return fail(err, errlen, "--rcvbuf '%s': 1 byte to 1G", value);
                cfg->rcvbuf = (uint32_t)v;
        } else if (strcmp(name, "coalesce-us") == 0) {
                if (parse_uint(value, 100000, &v) < 0)
                        return fail(err, errlen, "--coalesce-us '%s': 0 to 100000 microseconds",
                                    value);
                cfg->coalesce_us = (uint32_t)v;
        } else if (strcmp(name, "control-mode") == 0) {
                char *end;
                unsigned long mode;

                errno = 0;
                mode = strtoul(value, &end, 8);
                if (errno || end == value || *end || mode > 0777 || !(mode & 0200))
                        return fail(err, errlen,
                                    "--control-mode '%s': octal permissions 0200..0777 that let "
                                    "the owner write (e.g. 0660)",
                                    value);
                cfg->control_mode = (uint32_t)mode;
        } else if (strcmp(name, "control-group") == 0) {
                struct group *g = getgrnam(value);
                uint64_t gid;

                if (g)
                        cfg->control_gid = (int64_t)g->gr_gid;
                else if (parse_uint(value, UINT32_MAX - 1, &gid) == 0)
                        cfg->control_gid = (int64_t)gid;
                else
                        return fail(err, errlen, "--control-group '%s': no such group", value);
        } else if (strcmp(name, "config") == 0) {
                if (depth > 0)
                        return fail(err, errlen,
                                    "config '%s': a config file cannot include another", value);
                return canring_service_config_load(cfg, value, err, errlen);
        } else if (strcmp(name, "channel") == 0) {
                return add_channel(cfg, value, err, errlen);
        } else if (strcmp(name, "help") == 0) {
                return 1;
        } else {
                /* The flags: given bare on the command line, as `key = on|off` in a file. */
                if (value && parse_bool(value, &b) < 0)
                        return fail(err, errlen,
                                    "--%s '%s': expected on/off, yes/no, true/false, 1/0", name,
                                    value);
                if (strcmp(name, "fd") == 0)
                        cfg->fd = b;
                else if (strcmp(name, "own") == 0)
                        cfg->own = b;
                else if (strcmp(name, "hw-timestamps") == 0)
                        cfg->hw_timestamps = b;
                else if (strcmp(name, "quiet") == 0)
                        cfg->quiet = b;
        }
        return 0;
}

static char *trim(char *s)
{
        char *end;

        while (isspace((unsigned char)*s))
                s++;
        end = s + strlen(s);
        while (end > s && isspace((unsigned char)end[-1]))
                *--end = '\0';
        return s;
}

int canring_service_config_load(struct canring_service_config *cfg, const char *path, char *err,
                                size_t errlen)
{
        char line[1024];
        char why[512];
        unsigned lineno = 0;
        int rc = 0;
        FILE *f = fopen(path, "r");

        if (!f) {
                int e = errno;

                snprintf(err, errlen, "config '%s': %s", path, strerror(e));
                return -e;
        }
        while (rc == 0 && fgets(line, sizeof(line), f)) {
                char *key, *value, *eq;

                lineno++;
                if (!strchr(line, '\n') && !feof(f)) {
                        rc = fail(err, errlen, "%s:%u: line longer than %zu characters", path,
                                  lineno, sizeof(line) - 2);
                        break;
                }
                key = trim(line);
                if (*key == '\0' || *key == '#')
                        continue;
                eq = strchr(key, '=');
                if (!eq) {
                        rc = fail(err, errlen, "%s:%u: expected `key = value`, got '%s'", path,
                                  lineno, key);
                        break;
                }
                *eq = '\0';
                value = trim(eq + 1);
                key = trim(key);
                const struct option_def *o = find_option(key, strlen(key));

                if (!o || strcmp(key, "help") == 0) {
                        rc = fail(err, errlen, "%s:%u: unknown key '%s'", path, lineno, key);
                        break;
                }
                rc = apply(cfg, key, value, 1, why, sizeof(why));
                if (rc < 0)
                        fail(err, errlen, "%s:%u: %s", path, lineno, why);
        }
        if (rc == 0 && ferror(f))
                rc = fail(err, errlen, "config '%s': read error", path);
        fclose(f);
        return rc;
}

int canring_service_config_parse_args(struct canring_service_config *cfg, int argc, char **argv,
                                      char *err, size_t errlen)
{
        bool options_done = false;

        for (int i = 1; i < argc; i++) {
                const char *arg = argv[i];
                int rc;

                if (options_done || arg[0] != '-' || arg[1] == '\0') {
                        rc = add_channel(cfg, arg, err, errlen);
                } else if (strcmp(arg, "--") == 0) {
                        options_done = true;
                        continue;
                } else if (strcmp(arg, "-h") == 0) {
                        return 1;
                } else if (arg[1] != '-') {
                        return fail(err, errlen, "unknown option '%s' (see canring run --help)",
                                    arg);
                } else {
                        const char *name = arg + 2;
                        const char *eq = strchr(name, '=');
                        size_t len = eq ? (size_t)(eq - name) : strlen(name);
                        const struct option_def *o = find_option(name, len);
                        const char *value = eq ? eq + 1 : NULL;

                        if (!o || strcmp(o->name, "channel") == 0)
                                return fail(err, errlen,
                                            "unknown option '%s' (see canring run --help)", arg);
                        if (o->kind == OPT_VALUE && !value) {
                                if (i + 1 >= argc)
                                        return fail(err, errlen, "option '--%s' needs a value",
                                                    o->name);
                                value = argv[++i];
                        }
                        rc = apply(cfg, o->name, value, 0, err, errlen);
                }
                if (rc != 0)
                        return rc;
        }
        if (cfg->nchannels == 0)
                return fail(err, errlen, "no channel given (e.g. canring run vcan0)");
        return 0;
}
