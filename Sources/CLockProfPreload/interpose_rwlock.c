// pthread_rwlock_*: the exported replacements. As for mutexes, an acquisition first tries; a
// release finds waiters through the lock's record (glibc's rwlock word has no simple "waiters"
// state to read), which the thread's cache entry points to.
#include "preload_internal.h"

#pragma GCC visibility push(default)

static int acquire_read(void *lock, const void *unused) {
    (void)unused;
    return lp_real.rwlock_rdlock(lock);
}
static int acquire_write(void *lock, const void *unused) {
    (void)unused;
    return lp_real.rwlock_wrlock(lock);
}
static int acquire_read_timed(void *lock, const void *deadline) { return lp_real.rwlock_timedrdlock(lock, deadline); }
static int acquire_write_timed(void *lock, const void *deadline) { return lp_real.rwlock_timedwrlock(lock, deadline); }
static int release(void *lock) { return lp_real.rwlock_unlock(lock); }

// The shared shape of the four blocking entry points.
static inline int acquire(pthread_rwlock_t *lock, int shared, int (*wait)(void *, const void *),
                          const struct timespec *deadline) {
    lp_thread *thread = &lp_self;
    if (LP_UNLIKELY(!lp_real.rwlock_unlock) && !lp_resolve()) return 0;
    if (LP_UNLIKELY(thread->busy | !lp_active)) return wait(lock, deadline);
    int tried = shared ? lp_real.rwlock_tryrdlock(lock) : lp_real.rwlock_trywrlock(lock);
    if (LP_LIKELY(tried == 0)) {
        lp_count_acquisition(thread, (uintptr_t)lock, LP_KIND_RWLOCK, shared, LP_HOLD_ORDER);
        return 0;
    }
    if (tried != EBUSY) return wait(lock, deadline);
    return lp_wait_for(thread, (uintptr_t)lock, LP_KIND_RWLOCK, shared, wait, lock, deadline);
}

int pthread_rwlock_rdlock(pthread_rwlock_t *lock) { return acquire(lock, 1, acquire_read, NULL); }

int pthread_rwlock_wrlock(pthread_rwlock_t *lock) { return acquire(lock, 0, acquire_write, NULL); }

int pthread_rwlock_timedrdlock(pthread_rwlock_t *lock, const struct timespec *deadline) {
    return acquire(lock, 1, acquire_read_timed, deadline);
}

int pthread_rwlock_timedwrlock(pthread_rwlock_t *lock, const struct timespec *deadline) {
    return acquire(lock, 0, acquire_write_timed, deadline);
}

static inline int try_acquire(pthread_rwlock_t *lock, int shared) {
    lp_thread *thread = &lp_self;
    if (LP_UNLIKELY(!lp_real.rwlock_tryrdlock) && !lp_resolve()) return 0;
    int tried = shared ? lp_real.rwlock_tryrdlock(lock) : lp_real.rwlock_trywrlock(lock);
    if (LP_UNLIKELY(thread->busy | !lp_active)) return tried;
    if (tried == 0) {
        lp_count_acquisition(thread, (uintptr_t)lock, LP_KIND_RWLOCK, shared, LP_HOLD_PUSH);
    } else if (tried == EBUSY) {
        thread->busy = 1;
        lp_entry(thread, (uintptr_t)lock, LP_KIND_RWLOCK)->failed_try++;
        thread->busy = 0;
    }
    return tried;
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t *lock) { return try_acquire(lock, 1); }

int pthread_rwlock_trywrlock(pthread_rwlock_t *lock) { return try_acquire(lock, 0); }

int pthread_rwlock_unlock(pthread_rwlock_t *lock) {
    lp_thread *thread = &lp_self;
    if (LP_UNLIKELY(!lp_real.rwlock_unlock) && !lp_resolve()) return 0;
    if (LP_UNLIKELY(thread->busy | !lp_active)) return lp_real.rwlock_unlock(lock);
    uintptr_t address = (uintptr_t)lock;
    lp_held_pop(thread, address);
    lp_cache_entry *entry = lp_slot(thread, address);
    int waiters = entry->address == address && __atomic_load_n(&entry->lock->waiters, __ATOMIC_RELAXED) != 0;
    if (LP_LIKELY(thread->timed_count == 0 && !waiters)) return lp_real.rwlock_unlock(lock);
    return lp_release_slow(thread, address, LP_KIND_RWLOCK, waiters, release, lock);
}

int pthread_rwlock_init(pthread_rwlock_t *lock, const pthread_rwlockattr_t *attributes) {
    if (LP_UNLIKELY(!lp_real.rwlock_init) && !lp_resolve()) {
        static const pthread_rwlock_t initial = PTHREAD_RWLOCK_INITIALIZER;
        *lock = initial;
        return 0;
    }
    int result = lp_real.rwlock_init(lock, attributes);
    return lp_after_init(result, (uintptr_t)lock, LP_KIND_RWLOCK);
}

int pthread_rwlock_destroy(pthread_rwlock_t *lock) {
    if (LP_UNLIKELY(!lp_real.rwlock_destroy) && !lp_resolve()) return 0;
    return lp_after_destroy(lp_real.rwlock_destroy(lock), (uintptr_t)lock);
}

#pragma GCC visibility pop
