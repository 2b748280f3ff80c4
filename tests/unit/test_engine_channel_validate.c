/* SPDX-License-Identifier: MIT */
/*
 * Channel configuration errors found without a CAN socket: each returns its -errno, names the
 * channel and the problem in err, and leaves no file descriptor open.
 */
#include "engine_channel.h"

#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#define CHECK(c)                                                                                   \
        do {                                                                                       \
                if (!(c)) {                                                                        \
                        fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);               \
                        return 1;                                                                  \
                }                                                                                  \
        } while (0)

static int count_fds(void)
{
        int n = 0;
        DIR *d = opendir("/proc/self/fd");
        if (!d)
                return -1;
        while (readdir(d))
                n++;
        closedir(d);
        return n;
}

/* Runs engine_channel_open on cfg; returns its result with the message in err. */
static int try_open(const struct engine_channel_config *cfg, char *err, size_t len)
{
        struct engine_channel_info info;
        int ret = engine_channel_open(NULL, cfg, &info, err, len);
        printf("%-14s -> %d: %s\n", cfg->ifname ? cfg->ifname : "(null)", ret, err);
        return ret;
}

int main(void)
{
        struct engine_channel_config cfg;
        char err[256];
        int fds = count_fds();

        /* Too long: IFNAMSIZ - 1 characters is the most an interface name has. */
        memset(&cfg, 0, sizeof(cfg));
        cfg.name = "bench0";
        cfg.ifname = "can_interface_name_too_long";
        CHECK(try_open(&cfg, err, sizeof(err)) == -ENAMETOOLONG);
        CHECK(strstr(err, "channel 'bench0'") && strstr(err, "at most 15"));

        /* Unknown interface. */
        cfg.ifname = "nosuchcan9";
        CHECK(try_open(&cfg, err, sizeof(err)) == -ENODEV);
        CHECK(strstr(err, "channel 'bench0'") &&
              strstr(err, "no network interface named 'nosuchcan9'"));

        /* No name at all. */
        cfg.ifname = "";
        CHECK(try_open(&cfg, err, sizeof(err)) == -EINVAL);
        CHECK(strstr(err, "no interface name"));

        /* Too many filters; filters announced but missing. */
        cfg.ifname = "nosuchcan9";
        cfg.set_filters = true;
        cfg.nfilters = 513;
        CHECK(try_open(&cfg, err, sizeof(err)) == -EINVAL);
        CHECK(strstr(err, "513 filters"));
        cfg.nfilters = 2;
        CHECK(try_open(&cfg, err, sizeof(err)) == -EINVAL);
        cfg.set_filters = false;
        cfg.nfilters = 0;

        /* The channel name defaults to the interface name in messages. */
        cfg.name = NULL;
        CHECK(try_open(&cfg, err, sizeof(err)) == -ENODEV);
        CHECK(strstr(err, "channel 'nosuchcan9'"));

        /* lo exists on every host and is not CAN (ARPHRD_LOOPBACK). */
        if (if_nametoindex("lo")) {
                cfg.ifname = "lo";
                cfg.fd = true;
                CHECK(try_open(&cfg, err, sizeof(err)) == -EPROTOTYPE);
                CHECK(strstr(err, "channel 'lo'") && strstr(err, "'lo' is not a CAN interface"));
        } else {
                printf("no 'lo' in this network namespace: that case not checked\n");
        }

        /* None of the failures left a descriptor behind. */
        CHECK(count_fds() == fds);
        return 0;
}
