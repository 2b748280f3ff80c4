/* SPDX-License-Identifier: MIT */
/* `canring run` configuration: command line, config file, and every malformed input class. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "service_config.h"

static int failures;

#define CHECK(cond)                                                                                \
        do {                                                                                       \
                if (!(cond)) {                                                                     \
                        fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
                        failures++;                                                                \
                }                                                                                  \
        } while (0)

static int parse(struct canring_service_config *cfg, char *err, size_t errlen, ...)
{
        char *argv[32] = {"run"};
        int argc = 1;
        va_list ap;

        va_start(ap, errlen);
        for (char *a = va_arg(ap, char *); a && argc < 31; a = va_arg(ap, char *))
                argv[argc++] = a;
        va_end(ap);
        canring_service_config_init(cfg);
        err[0] = '\0';
        return canring_service_config_parse_args(cfg, argc, argv, err, errlen);
}

/* A bad argument must fail with -EINVAL and a message that contains WANT. */
static void expect_error(const char *want, int rc, const char *err)
{
        if (rc != -EINVAL || !strstr(err, want)) {
                fprintf(stderr, "expected -EINVAL with '%s', got %d '%s'\n", want, rc, err);
                failures++;
        }
}

int main(void)
{
        static struct canring_service_config cfg;
        char err[512];
        uint64_t size;

        /* Defaults and candump channel syntax. */
        CHECK(parse(&cfg, err, sizeof(err), "vcan0", "can1,123:7FF,400~700,#FFFFFFFF",
                    "can2,12345678:1FFFFFFF,j", NULL) == 0);
        CHECK(strcmp(cfg.segment, "canring") == 0);
        CHECK(cfg.ring_size == 4u << 20 && cfg.threads == 1 && !cfg.fd && !cfg.own);
        CHECK(cfg.rcvbuf == 8u << 20 && cfg.coalesce_us == 1000);
        CHECK(cfg.nchannels == 3);
        CHECK(strcmp(cfg.channels[0].ifname, "vcan0") == 0 && cfg.channels[0].nfilters == 0);
        CHECK(cfg.channels[1].nfilters == 2 && cfg.channels[1].err_mask == 0xFFFFFFFF);
        CHECK(cfg.channels[1].filters[1].can_id == (0x400 | CAN_INV_FILTER));
        CHECK(cfg.channels[2].join && (cfg.channels[2].filters[0].can_id & CAN_EFF_FLAG));

        /* Options, both `--opt value` and `--opt=value`. */
        CHECK(parse(&cfg, err, sizeof(err), "--segment", "bench", "--ring-size=64K", "--threads",
                    "2", "--cpu", "0,1", "--fd", "--own", "--rcvbuf", "8M", "--hw-timestamps",
                    "--consumers", "8", "any", NULL) == 0);
        CHECK(strcmp(cfg.segment, "bench") == 0 && cfg.ring_size == 65536 && cfg.threads == 2);
        CHECK(cfg.ncpus == 2 && cfg.cpus[1] == 1 && cfg.fd && cfg.own && cfg.hw_timestamps);
        CHECK(cfg.rcvbuf == 8u << 20 && cfg.max_consumers == 8 && cfg.channels[0].any);

        /* Every malformed input is refused with a message naming what is wrong. */
        expect_error("no channel", parse(&cfg, err, sizeof(err), "--fd", NULL), err);
        expect_error("--ring-size '1000'",
                     parse(&cfg, err, sizeof(err), "--ring-size", "1000", "vcan0", NULL), err);
        expect_error("--segment 'a/b'",
                     parse(&cfg, err, sizeof(err), "--segment", "a/b", "vcan0", NULL), err);
        expect_error("channel 'vcan0,12G:7FF'",
                     parse(&cfg, err, sizeof(err), "vcan0,12G:7FF", NULL), err);
        expect_error("unknown option '--bogus'",
                     parse(&cfg, err, sizeof(err), "--bogus", "vcan0", NULL), err);
        expect_error("needs a value", parse(&cfg, err, sizeof(err), "vcan0", "--threads", NULL),
                     err);
        expect_error("--coalesce-us '200000'",
                     parse(&cfg, err, sizeof(err), "--coalesce-us", "200000", "vcan0", NULL), err);
        CHECK(parse(&cfg, err, sizeof(err), "--coalesce-us", "0", "vcan0", NULL) == 0 &&
              cfg.coalesce_us == 0);
        CHECK(parse(&cfg, err, sizeof(err), "--coalesce-us", "2000", "vcan0", NULL) == 0 &&
              cfg.coalesce_us == 2000);
        /* The control socket's permissions and group. */
        CHECK(cfg.control_mode == 0660 && cfg.control_gid == -1);
        CHECK(parse(&cfg, err, sizeof(err), "--control-mode", "0600", "--control-group", "0",
                    "vcan0", NULL) == 0 &&
              cfg.control_mode == 0600 && cfg.control_gid == 0);
        expect_error("--control-mode '0999'",
                     parse(&cfg, err, sizeof(err), "--control-mode", "0999", "vcan0", NULL), err);
        expect_error("let the owner write",
                     parse(&cfg, err, sizeof(err), "--control-mode", "0440", "vcan0", NULL), err);
        expect_error(
            "--control-group 'no-such-group-here': no such group",
            parse(&cfg, err, sizeof(err), "--control-group", "no-such-group-here", "vcan0", NULL),
            err);
        expect_error("--threads '0'",
                     parse(&cfg, err, sizeof(err), "--threads", "0", "vcan0", NULL), err);
        CHECK(parse(&cfg, err, sizeof(err), "--help", NULL) == 1);

        /* More channels than the service supports. */
        {
                char *argv[CANRING_SERVICE_MAX_CHANNELS + 2];
                char names[CANRING_SERVICE_MAX_CHANNELS + 1][16];

                argv[0] = "run";
                for (int i = 0; i <= CANRING_SERVICE_MAX_CHANNELS; i++) {
                        snprintf(names[i], sizeof(names[i]), "vcan%d", i);
                        argv[i + 1] = names[i];
                }
                canring_service_config_init(&cfg);
                expect_error("more than",
                             canring_service_config_parse_args(
                                 &cfg, CANRING_SERVICE_MAX_CHANNELS + 2, argv, err, sizeof(err)),
                             err);
                canring_service_config_init(&cfg);
                CHECK(canring_service_config_parse_args(&cfg, CANRING_SERVICE_MAX_CHANNELS + 1,
                                                        argv, err, sizeof(err)) == 0);
                CHECK(cfg.nchannels == CANRING_SERVICE_MAX_CHANNELS);
        }

        /* Config file: same keys, comments, later command-line options override. */
        {
                char path[] = "/tmp/canring-config-XXXXXX";
                int fd = mkstemp(path);
                FILE *f = fdopen(fd, "w");

                fprintf(f, "# test config\nsegment = fromfile\nfd = on\n\nchannel = vcan0,123:7FF\n"
                           "channel = vcan1\nthreads = 2\n");
                fclose(f);
                CHECK(parse(&cfg, err, sizeof(err), "--config", path, "--threads", "3", "vcan2",
                            NULL) == 0);
                CHECK(strcmp(cfg.segment, "fromfile") == 0 && cfg.fd && cfg.threads == 3);
                CHECK(cfg.nchannels == 3 && strcmp(cfg.channels[2].ifname, "vcan2") == 0);

                f = fopen(path, "w");
                fprintf(f, "fd = on\nbogus-key = 1\n");
                fclose(f);
                expect_error(":2: unknown key 'bogus-key'",
                             parse(&cfg, err, sizeof(err), "--config", path, "vcan0", NULL), err);
                f = fopen(path, "w");
                fprintf(f, "fd = maybe\n");
                fclose(f);
                expect_error(":1: --fd 'maybe'",
                             parse(&cfg, err, sizeof(err), "--config", path, "vcan0", NULL), err);
                f = fopen(path, "w");
                fprintf(f, "just words\n");
                fclose(f);
                expect_error(":1: expected `key = value`",
                             parse(&cfg, err, sizeof(err), "--config", path, "vcan0", NULL), err);
                unlink(path);
                CHECK(parse(&cfg, err, sizeof(err), "--config", path, "vcan0", NULL) == -ENOENT);
                CHECK(strstr(err, path) != NULL);
        }

        /* Sizes. */
        CHECK(canring_parse_size("4M", &size) == 0 && size == 4u << 20);
        CHECK(canring_parse_size("4MiB", &size) == 0 && size == 4u << 20);
        CHECK(canring_parse_size("1G", &size) == 0 && size == 1u << 30);
        CHECK(canring_parse_size("12", &size) == 0 && size == 12);
        CHECK(canring_parse_size("4X", &size) == -EINVAL);
        CHECK(canring_parse_size("-4", &size) == -EINVAL);
        CHECK(canring_parse_size("", &size) == -EINVAL);

        if (failures)
                fprintf(stderr, "%d checks failed\n", failures);
        return failures ? 1 : 0;
}
