// Each thread's own state: its cache of per-lock counts (plain increments, added to the shared
// records at safe points), the holds it is timing, and the slow paths of acquisition and release.
#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include "preload_internal.h"

#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

__thread lp_thread lp_self __attribute__((tls_model("initial-exec")));

static lp_spinlock threads_lock;
static lp_thread *threads;
static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;

// MARK: Stacks

int lp_capture(uint64_t *frames, int max) {
    void *buffer[LP_MAX_FRAMES + 16];
    int wanted = max + 16 > LP_MAX_FRAMES + 16 ? LP_MAX_FRAMES + 16 : max + 16;
    int got = unw_backtrace(buffer, wanted);
    int first = 0;
    while (first < got && (uintptr_t)buffer[first] >= lp_self_start && (uintptr_t)buffer[first] < lp_self_end) first++;
    int count = 0;
    for (int index = first; index < got && count < max; index++) frames[count++] = (uint64_t)(uintptr_t)buffer[index];
    return count;
}

// MARK: Cache

static void flush_entry(lp_cache_entry *entry) {
    lp_lock *lock = entry->lock;
    if (!lock) return;
    if (entry->acquisitions) __atomic_fetch_add(&lock->acquisitions, entry->acquisitions, __ATOMIC_RELAXED);
    if (entry->secondary) __atomic_fetch_add(&lock->secondary, entry->secondary, __ATOMIC_RELAXED);
    if (entry->failed_try) __atomic_fetch_add(&lock->failed_try, entry->failed_try, __ATOMIC_RELAXED);
    entry->acquisitions = entry->secondary = entry->failed_try = 0;
}

// A record every empty entry points to: never dead, so the hot path needs no NULL test (an empty
// entry's address 0 never matches a lock).
static lp_lock empty_record;

static void thread_exited(void *value) {
    lp_thread *thread = value;
    thread->busy = 1;
    lp_thread_flush(thread);
}

static void make_exit_key(void) { pthread_key_create(&exit_key, thread_exited); }

void lp_thread_register(lp_thread *thread) {
    thread->registered = 1;
    thread->tid = (uint32_t)syscall(SYS_gettid);
    thread->sample_countdown = LP_SAMPLE_INTERVAL;
    for (int index = 0; index < LP_CACHE_SLOTS; index++) {
        if (!thread->cache[index].lock) thread->cache[index].lock = &empty_record;
    }
    pthread_once(&exit_key_once, make_exit_key);
    pthread_setspecific(exit_key, thread);
    lp_spin_lock(&threads_lock);
    thread->previous = NULL;
    thread->next = threads;
    if (threads) threads->previous = thread;
    threads = thread;
    lp_spin_unlock(&threads_lock);
}

void lp_cache_fill(lp_thread *thread, lp_cache_entry *entry, uintptr_t address, int kind) {
    int was_busy = thread->busy;
    thread->busy = 1;
    if (!thread->registered) lp_thread_register(thread);
    lp_lock *lock = lp_lock_for(address, kind);
    lp_spin_lock(&threads_lock);  // the exit dump may be reading this entry
    flush_entry(entry);
    entry->address = lock ? address : 0;
    entry->lock = lock ? lock : &empty_record;
    lp_spin_unlock(&threads_lock);
    thread->busy = was_busy;
}

void lp_thread_flush(lp_thread *thread) {
    lp_spin_lock(&threads_lock);
    for (int index = 0; index < LP_CACHE_SLOTS; index++) flush_entry(&thread->cache[index]);
    if (thread->registered) {
        if (thread->previous) thread->previous->next = thread->next;
        else threads = thread->next;
        if (thread->next) thread->next->previous = thread->previous;
        thread->registered = 0;
    }
    lp_spin_unlock(&threads_lock);
}

void lp_flush_all_threads(void) {
    lp_spin_lock(&threads_lock);
    for (lp_thread *thread = threads; thread; thread = thread->next) {
        for (int index = 0; index < LP_CACHE_SLOTS; index++) flush_entry(&thread->cache[index]);
    }
    lp_spin_unlock(&threads_lock);
}

void lp_threads_fork_prepare(void) { lp_spin_lock(&threads_lock); }
void lp_threads_fork_release(void) { lp_spin_unlock(&threads_lock); }

// MARK: Timed holds
//
// One in LP_CPU_SAMPLE_INTERVAL timed holds (begun by a wait, or sampled) of locks that have made
// someone wait before (the thread's first such hold, then every 16th) also reads the holder's CPU
// clock, right after the wall clock at its start and right before it at its release, so the CPU
// interval lies inside the wall one; the release adds both intervals to the lock's
// `cpu_measured_hold_ns` and `holder_cpu_ns` (`holder_on_cpu` in the report: their ratio, so a
// sample of the holds measures it as well as all would). The read is a system call: on every
// timed hold of a lock that waited it cut a two-thread hammer to 0.76x the library without it
// (0.60x bare; docs/performance.md, "Programs as they are"); a lock that never waited pays none (it is never
// flagged). Timed holds live in the thread's own state and are released on the thread that took
// them, so no other thread reads them.

static void push_timed(lp_thread *thread, uintptr_t address, lp_lock *lock, uint64_t start, int sampled) {
    if (thread->timed_count == LP_TIMED_HOLDS) return;  // deeper nesting is not timed
    lp_timed_hold *hold = &thread->timed[thread->timed_count++];
    hold->address = address;
    hold->lock = lock;
    hold->start = start;
    hold->cpu_start = 0;
    if (__atomic_load_n(&lock->has_events, __ATOMIC_RELAXED) &&
        (thread->cpu_timed_holds++ & (LP_CPU_SAMPLE_INTERVAL - 1)) == 0) {
        hold->cpu_start = lp_thread_cpu_now();
    }
    hold->sampled = sampled;
}

// Removes and returns (in *out) the latest timed hold of `address`; 0 when there is none.
static int pop_timed(lp_thread *thread, uintptr_t address, lp_timed_hold *out) {
    for (uint32_t index = thread->timed_count; index-- > 0;) {
        if (thread->timed[index].address != address) continue;
        *out = thread->timed[index];
        memmove(&thread->timed[index], &thread->timed[index + 1], sizeof(lp_timed_hold) * (thread->timed_count - index - 1));
        thread->timed_count--;
        return 1;
    }
    return 0;
}

void lp_sample_hold(lp_thread *thread, lp_cache_entry *entry) {
    thread->sample_countdown = LP_SAMPLE_INTERVAL;
    push_timed(thread, entry->address, entry->lock, lp_now(), 1);
}

void lp_forget_timed_hold(lp_thread *thread, uintptr_t address) {
    lp_timed_hold hold;
    if (thread->timed_count) pop_timed(thread, address, &hold);
}

// MARK: Slow paths

int lp_wait_for(lp_thread *thread, uintptr_t address, int kind, int shared, int (*acquire)(void *, const void *),
                void *object, const void *argument) {
    uint64_t start = lp_now();
    thread->busy = 1;
    lp_cache_entry *entry = lp_entry(thread, address, kind);
    lp_lock *lock = entry->lock;
    __atomic_fetch_add(&lock->waiters, 1, __ATOMIC_RELAXED);
    uint64_t none = 0;
    __atomic_compare_exchange_n(&lock->wait_since, &none, start, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
    // The order is recorded before waiting: a real deadlock still leaves it in the log.
    if (thread->held_count) lp_order_note(thread, lock);
    // The waiter's stack is taken before it waits, while it would be waiting anyway.
    uint64_t frames[LP_MAX_FRAMES];
    int frame_count = lp_capture(frames, LP_MAX_FRAMES);
    thread->busy = 0;
    int result = acquire(object, argument);
    uint64_t end = lp_now();
    __atomic_fetch_sub(&lock->waiters, 1, __ATOMIC_RELAXED);
    int acquired = result == 0 || result == EOWNERDEAD;
    if (!acquired && result != ETIMEDOUT) return result;  // EDEADLK, EINVAL…: not a wait
    thread->busy = 1;
    if (acquired) {
        lp_count_acquisition(thread, address, kind, shared, LP_HOLD_PUSH);
        push_timed(thread, address, lock, end, 0);
    }
    lp_log_contention(thread, lock, end, end > start ? end - start : 0, !acquired, shared, frames, frame_count);
    thread->busy = 0;
    return result;
}

int lp_release_slow(lp_thread *thread, uintptr_t address, int kind, int maybe_waiters, int (*release)(void *),
                    void *object) {
    lp_timed_hold hold;
    int timed = thread->timed_count ? pop_timed(thread, address, &hold) : 0;
    lp_lock *lock = NULL;
    if (maybe_waiters) {
        lp_cache_entry *entry = lp_slot(thread, address);
        if (entry->address == address) lock = entry->lock;
        else if (timed) lock = hold.lock;
        if (lock && __atomic_load_n(&lock->waiters, __ATOMIC_RELAXED) == 0) lock = NULL;
    }
    uint64_t cpu_end = timed && hold.cpu_start ? lp_thread_cpu_now() : 0;
    uint64_t now = (timed || lock) ? lp_now() : 0;
    int result = release(object);
    if (result != 0) {
        if (timed) thread->timed[thread->timed_count++] = hold;  // still held: pop_timed left room
        return result;
    }
    if (cpu_end) {
        __atomic_fetch_add(&hold.lock->cpu_measured_hold_ns, now > hold.start ? now - hold.start : 0, __ATOMIC_RELAXED);
        __atomic_fetch_add(&hold.lock->holder_cpu_ns, cpu_end > hold.cpu_start ? cpu_end - hold.cpu_start : 0,
                           __ATOMIC_RELAXED);
    }
    // A timed hold that made nobody wait is a sample for the hold estimate (one that did is a
    // blocking hold, below).
    if (timed && !lock) {
        __atomic_fetch_add(&hold.lock->sampled_holds, 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(&hold.lock->sampled_hold_ns, now > hold.start ? now - hold.start : 0, __ATOMIC_RELAXED);
    }
    if (lock) {
        thread->busy = 1;
        uint64_t since = __atomic_exchange_n(&lock->wait_since, 0, __ATOMIC_RELAXED);
        uint64_t start = timed ? hold.start : since;
        uint64_t hold_ns = start && now > start ? now - start : 0;
        uint64_t frames[LP_MAX_FRAMES];
        int frame_count = lp_capture(frames, LP_MAX_FRAMES);
        lp_log_release(thread, lock, now, hold_ns, timed, frames, frame_count);
        thread->busy = 0;
    }
    (void)kind;
    return result;
}
