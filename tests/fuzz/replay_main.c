/*  replay_main.c - runs a libFuzzer target over every file of a corpus
    directory (or the files named), so ctest replays the committed corpus in
    builds without libFuzzer. Exits non-zero if a directory cannot be read. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
s_run_file (const char *path)
{
    FILE *file = fopen (path, "rb");
    if (!file) {
        fprintf (stderr, "replay: cannot open %s\n", path);
        return -1;
    }
    fseek (file, 0, SEEK_END);
    long size = ftell (file);
    fseek (file, 0, SEEK_SET);
    uint8_t *data = malloc (size > 0 ? (size_t) size : 1);
    size_t got = data ? fread (data, 1, (size_t) size, file) : 0;
    fclose (file);
    if (!data)
        return -1;
    LLVMFuzzerTestOneInput (data, got);
    free (data);
    return 0;
}

int
main (int argc, char *argv[])
{
    int files = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat (argv[i], &st) != 0) {
            fprintf (stderr, "replay: no such corpus %s\n", argv[i]);
            return 1;
        }
        if (!S_ISDIR (st.st_mode)) {
            if (s_run_file (argv[i]) != 0)
                return 1;
            files++;
            continue;
        }
        DIR *dir = opendir (argv[i]);
        if (!dir)
            return 1;
        struct dirent *entry;
        while ((entry = readdir (dir))) {
            if (entry->d_name[0] == '.')
                continue;
            char path[4096];
            snprintf (path, sizeof path, "%s/%s", argv[i], entry->d_name);
            if (s_run_file (path) != 0) {
                closedir (dir);
                return 1;
            }
            files++;
        }
        closedir (dir);
    }
    printf ("replayed %d inputs\n", files);
    return files > 0 ? 0 : 1;
}
