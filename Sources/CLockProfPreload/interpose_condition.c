// pthread_cond_wait and timedwait: the time asleep is condition wait (never contention), counted
// on the condition's record; the mutex, released inside and taken again before the call returns,
// counts one ordinary acquisition (and stays on the thread's held locks throughout: to the program
// it is held). pthread_cond_signal and broadcast are counted exactly on the condition's record.
#include "preload_internal.h"

#pragma GCC visibility push(default)

static int condition_wait(pthread_cond_t *condition, pthread_mutex_t *mutex, const struct timespec *deadline) {
    lp_thread *thread = &lp_self;
    if (LP_UNLIKELY(!lp_real.cond_wait) && !lp_resolve()) return 0;
    if (LP_UNLIKELY(thread->busy | !lp_active)) {
        return deadline ? lp_real.cond_timedwait(condition, mutex, deadline) : lp_real.cond_wait(condition, mutex);
    }
    lp_forget_timed_hold(thread, (uintptr_t)mutex);
    uint64_t start = lp_now();
    int result = deadline ? lp_real.cond_timedwait(condition, mutex, deadline) : lp_real.cond_wait(condition, mutex);
    uint64_t end = lp_now();
    thread->busy = 1;
    lp_cache_entry *entry = lp_entry(thread, (uintptr_t)condition, LP_KIND_CONDITION);
    entry->acquisitions++;
    __atomic_fetch_add(&entry->lock->condition_wait_ns, end > start ? end - start : 0, __ATOMIC_RELAXED);
    if (result == ETIMEDOUT) __atomic_fetch_add(&entry->lock->condition_timeouts, 1, __ATOMIC_RELAXED);
    int recursive = (mutex->__data.__kind & 3) == 1;
    lp_count_acquisition(thread, (uintptr_t)mutex, recursive ? LP_KIND_RECURSIVE : LP_KIND_MUTEX, 0, LP_HOLD_KEEP);
    thread->busy = 0;
    return result;
}

int pthread_cond_wait(pthread_cond_t *condition, pthread_mutex_t *mutex) { return condition_wait(condition, mutex, NULL); }

int pthread_cond_timedwait(pthread_cond_t *condition, pthread_mutex_t *mutex, const struct timespec *deadline) {
    return condition_wait(condition, mutex, deadline);
}

// One signal or broadcast of `condition`, added to its record (an atomic add: a signal already
// costs the real call's atomics; no thread cache field is spent on it).
static void count_wakeup(lp_thread *thread, pthread_cond_t *condition, int broadcast) {
    thread->busy = 1;
    lp_lock *record = lp_entry(thread, (uintptr_t)condition, LP_KIND_CONDITION)->lock;
    __atomic_fetch_add(broadcast ? &record->broadcasts : &record->signals, 1, __ATOMIC_RELAXED);
    thread->busy = 0;
}

int pthread_cond_signal(pthread_cond_t *condition) {
    lp_thread *thread = &lp_self;
    if (LP_UNLIKELY(!lp_real.cond_signal) && !lp_resolve()) return 0;
    if (LP_LIKELY(!(thread->busy | !lp_active))) count_wakeup(thread, condition, 0);
    return lp_real.cond_signal(condition);
}

int pthread_cond_broadcast(pthread_cond_t *condition) {
    lp_thread *thread = &lp_self;
    if (LP_UNLIKELY(!lp_real.cond_broadcast) && !lp_resolve()) return 0;
    if (LP_LIKELY(!(thread->busy | !lp_active))) count_wakeup(thread, condition, 1);
    return lp_real.cond_broadcast(condition);
}

int pthread_cond_init(pthread_cond_t *condition, const pthread_condattr_t *attributes) {
    if (LP_UNLIKELY(!lp_real.cond_init) && !lp_resolve()) {
        static const pthread_cond_t initial = PTHREAD_COND_INITIALIZER;
        *condition = initial;
        return 0;
    }
    int result = lp_real.cond_init(condition, attributes);
    return lp_after_init(result, (uintptr_t)condition, LP_KIND_CONDITION);
}

int pthread_cond_destroy(pthread_cond_t *condition) {
    if (LP_UNLIKELY(!lp_real.cond_destroy) && !lp_resolve()) return 0;
    return lp_after_destroy(lp_real.cond_destroy(condition), (uintptr_t)condition);
}

#pragma GCC visibility pop
