/* SPDX-License-Identifier: MIT */
/*
 * Discovery agrees with sysfs: canring_if_list() returns exactly the interfaces whose
 * /sys/class/net/NAME/type is ARPHRD_CAN (280), none on a host without CAN, and lookups of
 * non-CAN or missing interfaces fail with clear errors.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canring/ifctl.h"

static int failures;
#define CHECK(c)                                                                                   \
        do {                                                                                       \
                if (!(c)) {                                                                        \
                        fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);                    \
                        failures++;                                                                \
                }                                                                                  \
        } while (0)

static bool sysfs_is_can(const char *name)
{
        char path[512];
        snprintf(path, sizeof(path), "/sys/class/net/%s/type", name);
        FILE *f = fopen(path, "r");
        int type = -1;
        if (!f)
                return false;
        if (fscanf(f, "%d", &type) != 1)
                type = -1;
        fclose(f);
        return type == 280;
}

int main(void)
{
        struct canring_ifinfo *v = NULL;
        size_t n = 99;
        char err[256];

        DIR *d = opendir("/sys/class/net");
        if (!d) {
                fprintf(stderr, "no /sys/class/net to compare with\n");
                return 77;
        }
        CHECK(canring_if_list(&v, &n) == 0);
        size_t sysfs_can = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
                if (e->d_name[0] == '.' || !sysfs_is_can(e->d_name))
                        continue;
                sysfs_can++;
                bool found = false;
                for (size_t i = 0; i < n; i++)
                        found |= strcmp(v[i].name, e->d_name) == 0;
                if (!found)
                        fprintf(stderr, "%s missing from the list\n", e->d_name);
                CHECK(found);
        }
        closedir(d);
        CHECK(n == sysfs_can);
        for (size_t i = 0; i < n; i++) {
                CHECK(v[i].mtu == CAN_MTU || v[i].mtu >= CANFD_MTU);
                CHECK(i == 0 || v[i - 1].ifindex < v[i].ifindex);
        }
        printf("%zu CAN interface(s)\n", n);
        free(v);

        struct canring_ifinfo info;
        CHECK(canring_if_get("lo", &info, err, sizeof(err)) == -ENOTTY);
        CHECK(strstr(err, "not a CAN interface") != NULL);
        CHECK(canring_if_get("nocan-xyz9", &info, err, sizeof(err)) == -ENODEV);
        struct canring_if_config cfg = {.set = CANRING_IF_SET_BITRATE, .bitrate = 250000};
        CHECK(canring_if_configure("lo", &cfg, err, sizeof(err)) == -ENOTTY);
        CHECK(canring_if_set_up("nocan-xyz9", true, err, sizeof(err)) == -ENODEV);
        CHECK(canring_if_restart("lo", err, sizeof(err)) == -ENOTTY);
        return failures ? 1 : 0;
}
