// pthread_mutex_*: the exported replacements. The fast path of a lock is a try (glibc's own for a
// normal mutex, inline; the real trylock for the other kinds) and, out of line in a leaf, a plain
// increment in the thread's cache; the fast path of an unlock reads the mutex's own lock
// word (glibc's: 0 free, 1 held, 2 held and waiters may sleep; robust and priority-inheritance
// mutexes keep the owner's tid and the FUTEX_WAITERS bit instead) and calls the real unlock.
#include "preload_internal.h"

#include <sys/single_threaded.h>

#pragma GCC visibility push(default)

enum { KIND_MASK = 3, RECURSIVE_TYPE = 1, OWNER_IN_WORD = 16 | 32 /* robust, priority inheritance */ };

static inline int mutex_kind(const pthread_mutex_t *mutex) {
    return (mutex->__data.__kind & KIND_MASK) == RECURSIVE_TYPE ? LP_KIND_RECURSIVE : LP_KIND_MUTEX;
}

// After an acquisition by the caller: 1 when it re-entered a recursive mutex it already held.
static inline int is_reentry(const pthread_mutex_t *mutex) {
    return (mutex->__data.__kind & KIND_MASK) == RECURSIVE_TYPE && mutex->__data.__count > 1;
}

static inline int may_have_waiters(const pthread_mutex_t *mutex) {
    int word = __atomic_load_n(&mutex->__data.__lock, __ATOMIC_RELAXED);
    if (LP_UNLIKELY(mutex->__data.__kind & OWNER_IN_WORD)) return (word & (int)0x80000000) != 0;
    return word > 1;
}

// The rare paths of the interposers are out of line, so that their fast paths, which only
// tail-call, need no stack frame and save no register.
static __attribute__((noinline)) int pass_lock(pthread_mutex_t *mutex) {
    if (LP_UNLIKELY(!lp_real.mutex_lock) && !lp_resolve()) return 0;
    return lp_real.mutex_lock(mutex);
}

static __attribute__((noinline)) int pass_unlock(pthread_mutex_t *mutex) {
    if (LP_UNLIKELY(!lp_real.mutex_unlock) && !lp_resolve()) return 0;
    return lp_real.mutex_unlock(mutex);
}

static int acquire_blocking(void *mutex, const void *unused) {
    (void)unused;
    return lp_real.mutex_lock(mutex);
}

static int acquire_timed(void *mutex, const void *deadline) { return lp_real.mutex_timedlock(mutex, deadline); }

static int release(void *mutex) { return lp_real.mutex_unlock(mutex); }

static __attribute__((noinline)) int lock_contended(pthread_mutex_t *mutex, int tried, const struct timespec *deadline) {
    lp_thread *thread = &lp_self;
    if (tried == EOWNERDEAD) {  // robust: acquired, the previous owner died
        lp_count_acquisition(thread, (uintptr_t)mutex, mutex_kind(mutex), 0, LP_HOLD_ORDER);
        return tried;
    }
    if (tried != EBUSY) return deadline ? lp_real.mutex_timedlock(mutex, deadline) : lp_real.mutex_lock(mutex);
    return lp_wait_for(thread, (uintptr_t)mutex, mutex_kind(mutex), 0, deadline ? acquire_timed : acquire_blocking,
                       mutex, deadline);
}

// The general count of an uncontended acquisition: a cache miss, a sample due, other locks held
// (their order is recorded here).
static __attribute__((noinline)) int count_slow(pthread_mutex_t *mutex) {
    lp_count_acquisition(&lp_self, (uintptr_t)mutex, mutex_kind(mutex), is_reentry(mutex), LP_HOLD_ORDER);
    return 0;
}

// The count of an uncontended acquisition, out of line: the interposers keep only the mutex live
// across the real trylock (one saved register instead of six) and tail-call here. The common case,
// a cache hit with no sample due and no other lock held, is a leaf with no call that leaves the
// mutex as the thread's only held lock; so is one lock held whose pair with this one the thread
// met last (`last_pair`, lock_order.c). Anything else tail-calls count_slow.
static __attribute__((noinline)) int count_uncontended(pthread_mutex_t *mutex) {
    lp_thread *thread = &lp_self;
    uintptr_t address = (uintptr_t)mutex;
    lp_cache_entry *entry = lp_slot(thread, address);
    uint32_t held = thread->held_count;
    if (LP_UNLIKELY(entry->address != address || thread->sample_countdown <= 1 ||
                    __atomic_load_n(&entry->lock->dead, __ATOMIC_RELAXED) || is_reentry(mutex))) {
        return count_slow(mutex);  // (a re-entry with nothing held: the first entry predates recording)
    }
    if (LP_UNLIKELY(held != 0)) {
        // Nested one deep in the pair met last (not a re-entry: the pair's locks differ).
        if (held != 1 || thread->last_pair != ((uint64_t)thread->held[0].lock->id << 32 | entry->lock->id)) {
            return count_slow(mutex);
        }
    }
    entry->acquisitions++;
    thread->sample_countdown--;
    thread->held[held].address = address;
    thread->held[held].lock = entry->lock;
    thread->held_count = held + 1;
    return 0;
}

// A normal mutex (kind 0: no type, robust, priority-inheritance, shared or elision bit) whose
// lock word is 0 is taken here the way glibc's own fast path takes it (word 0 -> 1 with acquire,
// then the owner's tid and the user count), saving the call to the real trylock: its release by
// the real unlock, a condition wait, or a waiter's futex see exactly what glibc would have left.
// A thread not yet registered (tid unknown) goes through the real trylock once. In a process
// that has one thread (__libc_single_threaded), glibc sets the word with a plain store, no atomic
// instruction; so does this, or the profiled program would pay an atomic bare glibc does not.
static inline int take_normal(pthread_mutex_t *mutex) {
    if (__libc_single_threaded) {
        if (mutex->__data.__lock != 0) return EBUSY;
        mutex->__data.__lock = 1;
    } else {
        int expected = 0;
        if (!__atomic_compare_exchange_n(&mutex->__data.__lock, &expected, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
            return EBUSY;
        }
    }
    mutex->__data.__owner = (int)lp_self.tid;
    ++mutex->__data.__nusers;
    return 0;
}

// Every mutex but a normal one (and a normal one before the thread's tid is known): through the
// real trylock.
static __attribute__((noinline)) int lock_other_kinds(pthread_mutex_t *mutex) {
    int tried = lp_real.mutex_trylock(mutex);
    if (LP_LIKELY(tried == 0)) return count_uncontended(mutex);
    return lock_contended(mutex, tried, NULL);
}

int pthread_mutex_lock(pthread_mutex_t *mutex) {
    if (LP_UNLIKELY(lp_self.busy | !lp_active)) return pass_lock(mutex);
    if (LP_LIKELY(mutex->__data.__kind == 0 && lp_self.tid != 0)) {
        // A tail call, always: count_uncontended's result is known to be 0, and the compiler
        // would otherwise call it and return 0 itself, in a stack frame.
        if (LP_LIKELY(take_normal(mutex) == 0)) __attribute__((musttail)) return count_uncontended(mutex);
        return lock_contended(mutex, EBUSY, NULL);
    }
    return lock_other_kinds(mutex);
}

int pthread_mutex_timedlock(pthread_mutex_t *mutex, const struct timespec *deadline) {
    lp_thread *thread = &lp_self;
    if (LP_UNLIKELY(!lp_real.mutex_timedlock) && !lp_resolve()) return 0;
    if (LP_UNLIKELY(thread->busy | !lp_active)) return lp_real.mutex_timedlock(mutex, deadline);
    int tried = lp_real.mutex_trylock(mutex);
    if (LP_LIKELY(tried == 0)) return count_uncontended(mutex);
    return lock_contended(mutex, tried, deadline);
}

int pthread_mutex_trylock(pthread_mutex_t *mutex) {
    lp_thread *thread = &lp_self;
    if (LP_UNLIKELY(!lp_real.mutex_trylock) && !lp_resolve()) return 0;
    int tried = lp_real.mutex_trylock(mutex);
    if (LP_UNLIKELY(thread->busy | !lp_active)) return tried;
    if (LP_LIKELY(tried == 0 || tried == EOWNERDEAD)) {
        lp_count_acquisition(thread, (uintptr_t)mutex, mutex_kind(mutex), tried == 0 && is_reentry(mutex), LP_HOLD_PUSH);
    } else if (tried == EBUSY) {
        int was_busy = thread->busy;
        thread->busy = 1;
        lp_entry(thread, (uintptr_t)mutex, mutex_kind(mutex))->failed_try++;
        thread->busy = was_busy;
    }
    return tried;
}

// Every release but the commonest: a recursive mutex, a lock released out of order, one that may
// have waiters, a timed hold. `popped`: the fast path already removed it from the held locks.
static __attribute__((noinline)) int unlock_general(pthread_mutex_t *mutex, int popped) {
    lp_thread *thread = &lp_self;
    // An inner release of a recursive mutex ends nothing: it stays held.
    int inner = (mutex->__data.__kind & KIND_MASK) == RECURSIVE_TYPE && mutex->__data.__count > 1;
    if (inner) return lp_real.mutex_unlock(mutex);
    if (!popped) lp_held_pop(thread, (uintptr_t)mutex);
    int waiters = may_have_waiters(mutex);
    if (thread->timed_count == 0 && !waiters) return lp_real.mutex_unlock(mutex);
    return lp_release_slow(thread, (uintptr_t)mutex, mutex_kind(mutex), waiters, release, mutex);
}

int pthread_mutex_unlock(pthread_mutex_t *mutex) {
    lp_thread *thread = &lp_self;
    if (LP_UNLIKELY(thread->busy | !lp_active)) return pass_unlock(mutex);
    // The commonest release: a normal mutex (kind 0: its word is 0/1/2) that is the latest lock
    // the thread holds, nobody waiting, no hold being timed.
    uint32_t held = thread->held_count;
    int popped = 0;
    if (LP_LIKELY(held - 1 < LP_HELD_LOCKS && thread->held[held - 1].address == (uintptr_t)mutex &&
                  mutex->__data.__kind == 0)) {
        thread->held_count = held - 1;
        popped = 1;
        if (LP_LIKELY(thread->timed_count == 0 && __atomic_load_n(&mutex->__data.__lock, __ATOMIC_RELAXED) <= 1)) {
            return lp_real.mutex_unlock(mutex);
        }
    }
    return unlock_general(mutex, popped);
}

int pthread_mutex_init(pthread_mutex_t *mutex, const pthread_mutexattr_t *attributes) {
    if (LP_UNLIKELY(!lp_real.mutex_init) && !lp_resolve()) {
        // Called while dlsym runs: initialize as PTHREAD_MUTEX_INITIALIZER would (attributes
        // cannot be honoured before the real function is known).
        static const pthread_mutex_t initial = PTHREAD_MUTEX_INITIALIZER;
        *mutex = initial;
        return 0;
    }
    int result = lp_real.mutex_init(mutex, attributes);  // before the kind is read from it
    return lp_after_init(result, (uintptr_t)mutex, mutex_kind(mutex));
}

int pthread_mutex_destroy(pthread_mutex_t *mutex) {
    if (LP_UNLIKELY(!lp_real.mutex_destroy) && !lp_resolve()) return 0;
    return lp_after_destroy(lp_real.mutex_destroy(mutex), (uintptr_t)mutex);
}

#pragma GCC visibility pop
