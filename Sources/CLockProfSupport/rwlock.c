// The reader-writer lock under ProfiledRWLock: glibc's pthread_rwlock, writer-preferring. The
// profiling (counts, waits, stacks) is done in Swift around these calls.
#include "CLockProfSupport.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct lockprof_rwlock {
    pthread_rwlock_t lock;
};

static void check(int result, const char *call) {
    if (result != 0) {
        fprintf(stderr, "lockprof: %s failed (error %d)\n", call, result);
        abort();
    }
}

lockprof_rwlock_t *lockprof_rwlock_create(void) {
    lockprof_rwlock_t *lock = malloc(sizeof *lock);
    if (!lock) abort();
    pthread_rwlockattr_t attributes;
    check(pthread_rwlockattr_init(&attributes), "pthread_rwlockattr_init");
    check(pthread_rwlockattr_setkind_np(&attributes, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP),
          "pthread_rwlockattr_setkind_np");
    check(pthread_rwlock_init(&lock->lock, &attributes), "pthread_rwlock_init");
    pthread_rwlockattr_destroy(&attributes);
    return lock;
}

void lockprof_rwlock_destroy(lockprof_rwlock_t *lock) {
    pthread_rwlock_destroy(&lock->lock);
    free(lock);
}

int lockprof_rwlock_try_read(lockprof_rwlock_t *lock) { return pthread_rwlock_tryrdlock(&lock->lock); }

int lockprof_rwlock_try_write(lockprof_rwlock_t *lock) { return pthread_rwlock_trywrlock(&lock->lock); }

static struct timespec deadline_after(int64_t timeout_ns) {
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    int64_t nanoseconds = deadline.tv_nsec + timeout_ns % 1000000000;
    deadline.tv_sec += timeout_ns / 1000000000 + nanoseconds / 1000000000;
    deadline.tv_nsec = nanoseconds % 1000000000;
    return deadline;
}

/// Waits for a read (`write` = 0) or write hold, at most `timeout_ns` (negative: no limit).
static int acquire(lockprof_rwlock_t *lock, int64_t timeout_ns, int write) {
    if (timeout_ns < 0) {
        check(write ? pthread_rwlock_wrlock(&lock->lock) : pthread_rwlock_rdlock(&lock->lock),
              write ? "pthread_rwlock_wrlock" : "pthread_rwlock_rdlock");
        return 0;
    }
    struct timespec deadline = deadline_after(timeout_ns);
    int result = write ? pthread_rwlock_clockwrlock(&lock->lock, CLOCK_MONOTONIC, &deadline)
                       : pthread_rwlock_clockrdlock(&lock->lock, CLOCK_MONOTONIC, &deadline);
    if (result != 0 && result != ETIMEDOUT) check(result, write ? "pthread_rwlock_clockwrlock" : "pthread_rwlock_clockrdlock");
    return result;
}

int lockprof_rwlock_read(lockprof_rwlock_t *lock, int64_t timeout_ns) { return acquire(lock, timeout_ns, 0); }

int lockprof_rwlock_write(lockprof_rwlock_t *lock, int64_t timeout_ns) { return acquire(lock, timeout_ns, 1); }

void lockprof_rwlock_unlock(lockprof_rwlock_t *lock) { check(pthread_rwlock_unlock(&lock->lock), "pthread_rwlock_unlock"); }
