// Clock: rdtsc scaled to nanoseconds when the TSC is invariant, CLOCK_MONOTONIC otherwise; and
// the thread CPU clock.
#include "CLockProfSupport.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

lockprof_clock_calibration_t lockprof_clock_calibration = {0, 0, 0, 0};
static pthread_once_t calibration_once = PTHREAD_ONCE_INIT;

uint64_t lockprof_monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

uint64_t lockprof_wall_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

uint64_t lockprof_thread_cpu_ns(void) {
    struct timespec now;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now) != 0) return 0;
    uint64_t ns = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
    return ns != 0 ? ns : 1;  // 0 means "not read"
}

#if defined(__x86_64__)
/// True when /proc/cpuinfo lists both constant_tsc and nonstop_tsc: the TSC ticks at one rate
/// on every core and in every power state, so it can stand in for CLOCK_MONOTONIC.
static int tsc_is_invariant(void) {
    FILE *cpuinfo = fopen("/proc/cpuinfo", "r");
    if (!cpuinfo) return 0;
    char line[8192];
    int invariant = 0;
    while (fgets(line, sizeof line, cpuinfo)) {
        if (strncmp(line, "flags", 5) == 0) {
            invariant = strstr(line, " constant_tsc") != NULL && strstr(line, " nonstop_tsc") != NULL;
            break;
        }
    }
    fclose(cpuinfo);
    return invariant;
}
#endif

static void calibrate(void) {
#if defined(__x86_64__)
    if (!tsc_is_invariant()) return;
    uint64_t ns0 = lockprof_monotonic_ns();
    uint64_t ticks0 = __builtin_ia32_rdtsc();
    uint64_t ns1, ticks1;
    do {
        ns1 = lockprof_monotonic_ns();
        ticks1 = __builtin_ia32_rdtsc();
    } while (ns1 - ns0 < 5000000);  // 5 ms: the ratio is then good to about 1e-5
    if (ticks1 <= ticks0) return;
    // Published as the header says: the fields first, then the flag, releasing.
    __atomic_store_n(&lockprof_clock_calibration.base_ticks, ticks1, __ATOMIC_RELAXED);
    __atomic_store_n(&lockprof_clock_calibration.base_ns, ns1, __ATOMIC_RELAXED);
    __atomic_store_n(&lockprof_clock_calibration.mult,
                     (uint64_t)(((unsigned __int128)(ns1 - ns0) << 32) / (ticks1 - ticks0)), __ATOMIC_RELAXED);
    __atomic_store_n(&lockprof_clock_calibration.uses_tsc, 1, __ATOMIC_RELEASE);
#endif
}

void lockprof_clock_init(void) { pthread_once(&calibration_once, calibrate); }

const char *lockprof_clock_source(void) {
    return __atomic_load_n(&lockprof_clock_calibration.uses_tsc, __ATOMIC_ACQUIRE) ? "tsc" : "monotonic";
}

int lockprof_clock_step_for_testing(int64_t nanoseconds) {
    if (!__atomic_load_n(&lockprof_clock_calibration.uses_tsc, __ATOMIC_ACQUIRE)) return 0;
    __atomic_fetch_add(&lockprof_clock_calibration.base_ns, (uint64_t)nanoseconds, __ATOMIC_RELAXED);
    return 1;
}
