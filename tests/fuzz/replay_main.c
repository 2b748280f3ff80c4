/* SPDX-License-Identifier: MIT */
/*
 * Replays fuzz inputs through LLVMFuzzerTestOneInput() without libFuzzer: each argument is a file
 * or a directory of files. A target signals a bug by aborting, which fails the test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
        uint8_t *buf;
        size_t cap = 1 << 16, n;
        FILE *f = fopen(path, "rb");

        if (!f) {
                perror(path);
                return -1;
        }
        buf = malloc(cap);
        if (!buf) {
                fclose(f);
                return -1;
        }
        n = fread(buf, 1, cap, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
        free(buf);
        return 0;
}

int main(int argc, char **argv)
{
        int i, files = 0;

        for (i = 1; i < argc; i++) {
                struct stat st;
                struct dirent *de;
                DIR *d;

                if (stat(argv[i], &st) != 0) {
                        perror(argv[i]);
                        return 1;
                }
                if (!S_ISDIR(st.st_mode)) {
                        if (run_file(argv[i]))
                                return 1;
                        files++;
                        continue;
                }
                d = opendir(argv[i]);
                if (!d)
                        return 1;
                while ((de = readdir(d))) {
                        char path[4096];

                        if (de->d_name[0] == '.')
                                continue;
                        snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
                        if (run_file(path)) {
                                closedir(d);
                                return 1;
                        }
                        files++;
                }
                closedir(d);
        }
        printf("replayed %d inputs\n", files);
        return files ? 0 : 77; /* an empty corpus tests nothing */
}
