// Process identity for the trace header, and the one signal disposition recording depends on.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE  // program_invocation_short_name
#endif
#include "CLockProfSupport.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int32_t lockprof_process_id(void) { return (int32_t)getpid(); }

void lockprof_process_name(char *buffer, size_t size) {
    if (size == 0) return;
    buffer[0] = 0;
    FILE *comm = fopen("/proc/self/comm", "re");
    if (comm) {
        if (fgets(buffer, (int)size, comm)) buffer[strcspn(buffer, "\n")] = 0;
        fclose(comm);
    }
    if (buffer[0] == 0) snprintf(buffer, size, "%s", program_invocation_short_name);
}

int lockprof_ignore_file_size_signal(void) {
    struct sigaction current;
    if (sigaction(SIGXFSZ, NULL, &current) != 0) return 0;
    if ((current.sa_flags & SA_SIGINFO) || current.sa_handler != SIG_DFL) return 0;
    struct sigaction ignore;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    return sigaction(SIGXFSZ, &ignore, NULL) == 0;
}
