// The interposition library's internals, shared by its files and hidden from the program: only
// the pthread functions it replaces are exported (everything here is visibility("hidden"), so a
// program that defines a symbol of the same name, or links LockProf itself, never binds to ours).
//
// The design, in short (docs/design.md, "Profiling a program as it is"):
// - Every lock call first tries the lock without waiting (a normal mutex: glibc's own fast path,
//   inline, interpose_mutex.c; any other: the real trylock). Success is an uncontended acquisition: it is
//   counted with a plain increment in the calling thread's own cache (initial-exec TLS, direct-
//   mapped by lock address), which is added to the shared per-lock record only at safe points
//   (the entry is evicted, the lock is destroyed and met again, the thread exits, the process
//   exits). No lock, no atomic, no clock read, no system call on that path.
// - Failure is contention: the waiter reads the clock, captures its stack, announces itself in the
//   lock's record (`waiters`), calls the real lock, and logs a contention event.
// - A release checks the mutex's own lock word (glibc: 2 = "waiters may sleep") and, when it says
//   so and the record has announced waiters, logs a release event with the holder's stack and its
//   hold time: the hold that made someone wait.
// - Events go to a raw per-process log (raw_log.c, docs/trace-format.md "Preload raw log"), which
//   `lockprof record` turns into a trace after the program exits, symbolizing there.
// - Anything the library itself does (stack capture, allocation, writing) runs with the thread's
//   `busy` flag set: pthread calls made meanwhile go straight to the real functions.
#ifndef LOCKPROF_PRELOAD_INTERNAL_H
#define LOCKPROF_PRELOAD_INTERNAL_H

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#pragma GCC visibility push(hidden)

#define LP_LIKELY(x) __builtin_expect(!!(x), 1)
#define LP_UNLIKELY(x) __builtin_expect(!!(x), 0)

// MARK: Real functions

/// The functions this library replaces, as the next object in the lookup order (libc) defines them.
typedef struct {
    int (*mutex_lock)(pthread_mutex_t *);
    int (*mutex_trylock)(pthread_mutex_t *);
    int (*mutex_timedlock)(pthread_mutex_t *, const struct timespec *);
    int (*mutex_unlock)(pthread_mutex_t *);
    int (*mutex_init)(pthread_mutex_t *, const pthread_mutexattr_t *);
    int (*mutex_destroy)(pthread_mutex_t *);
    int (*rwlock_rdlock)(pthread_rwlock_t *);
    int (*rwlock_wrlock)(pthread_rwlock_t *);
    int (*rwlock_tryrdlock)(pthread_rwlock_t *);
    int (*rwlock_trywrlock)(pthread_rwlock_t *);
    int (*rwlock_timedrdlock)(pthread_rwlock_t *, const struct timespec *);
    int (*rwlock_timedwrlock)(pthread_rwlock_t *, const struct timespec *);
    int (*rwlock_unlock)(pthread_rwlock_t *);
    int (*rwlock_init)(pthread_rwlock_t *, const pthread_rwlockattr_t *);
    int (*rwlock_destroy)(pthread_rwlock_t *);
    int (*cond_wait)(pthread_cond_t *, pthread_mutex_t *);
    int (*cond_timedwait)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
    int (*cond_init)(pthread_cond_t *, const pthread_condattr_t *);
    int (*cond_destroy)(pthread_cond_t *);
    int (*cond_signal)(pthread_cond_t *);
    int (*cond_broadcast)(pthread_cond_t *);
} lp_real_functions;

extern lp_real_functions lp_real;

/// Non-zero once the real functions are known and a log is open: the interposers record.
/// Zero before, in a forked child and after the exit dump: they only pass calls through.
extern int lp_active;

/// Resolves the real functions (once). Returns 0 when a call made while dlsym itself runs asks
/// for them: that call is then answered without locking (one thread exists at that point).
int lp_resolve(void);

// MARK: Internal lock

/// A test-and-set lock for the library's own shared tables, taken only off the hot path. It never
/// calls a pthread function, so it cannot re-enter the interposers.
typedef struct {
    int held;
} lp_spinlock;

static inline void lp_spin_lock(lp_spinlock *lock) {
    while (__atomic_exchange_n(&lock->held, 1, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(&lock->held, __ATOMIC_RELAXED)) sched_yield();
    }
}

static inline void lp_spin_unlock(lp_spinlock *lock) { __atomic_store_n(&lock->held, 0, __ATOMIC_RELEASE); }

// MARK: Clock

/// CLOCK_MONOTONIC in nanoseconds (vDSO). Read on contended and sampled paths only.
static inline uint64_t lp_now(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}
/// The calling thread's CPU time in nanoseconds (CLOCK_THREAD_CPUTIME_ID: a system call, not the
/// vDSO). Read only at both ends of 1 in LP_CPU_SAMPLE_INTERVAL timed holds of locks that have
/// made someone wait, for `holder_on_cpu`; never 0 (0 means "not read").
static inline uint64_t lp_thread_cpu_now(void) {
    struct timespec now;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now) != 0) return 0;
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec + 1;
}

// MARK: Lock records

/// Lock kinds, as the trace format numbers them (LockKind).
enum { LP_KIND_MUTEX = 1, LP_KIND_RECURSIVE = 2, LP_KIND_RWLOCK = 3, LP_KIND_CONDITION = 4 };

/// One lock's lifetime (init to destroy, or first use to destroy for a statically initialized
/// one). Never freed: thread caches may point to it after it died. Counters are added atomically
/// by flushes; `dead` and `waiters` are what a thread reads to validate its cache entry and to
/// see waiters at release.
typedef struct lp_lock {
    uint32_t dead;           // set once by destroy (or a new init at the same address)
    uint32_t waiters;        // threads inside a blocking call on it now
    uint64_t wait_since;     // arrival of the first waiter since the last blocking release; 0 none
    uint32_t id;             // trace-local, from 1
    uint8_t kind;
    uint8_t defined;         // its `lock` raw record was written
    uint8_t has_events;
    uint32_t creation_stack; // interned stack id (0: none captured)
    uintptr_t address;
    uint64_t acquisitions, secondary, failed_try;  // secondary: re-entries (recursive), shared (rwlock)
    uint64_t sampled_holds, sampled_hold_ns;
    uint64_t cpu_measured_hold_ns, holder_cpu_ns;  // timed holds whose holder's CPU clock was read
    uint64_t condition_wait_ns, condition_timeouts;
    uint64_t signals, broadcasts;    // conditions: pthread_cond_signal / broadcast calls (atomic adds)
    struct lp_lock *next_in_bucket;  // the address table's chain (live locks only)
    struct lp_lock *next_in_all;     // every record, for the exit dump
} lp_lock;

/// The live record at `address`, creating it (kind `kind`, creation stack from the caller) when
/// there is none: for a lock first met at an acquisition (a static initializer).
lp_lock *lp_lock_for(uintptr_t address, int kind);

/// A new lifetime at `address` (init): an earlier record there is ended first.
void lp_lock_created(uintptr_t address, int kind);

/// Ends the lifetime at `address` (destroy).
void lp_lock_destroyed(uintptr_t address);

/// After the real `*_init` returned `result`: notes the new lifetime at `address` when it
/// succeeded and the calling thread is not inside the library's own work; returns `result`.
int lp_after_init(int result, uintptr_t address, int kind);

/// After the real `*_destroy` returned `result`: ends the lifetime at `address` the same way.
int lp_after_destroy(int result, uintptr_t address);

/// Calls `body` for every record ever made, under the table's lock.
void lp_each_lock(void (*body)(lp_lock *));

// MARK: Thread state

/// Thread-cache entries per thread: direct-mapped by lock address.
#define LP_CACHE_SLOTS 64
/// Acquisitions that are currently timed per thread (contended or sampled).
#define LP_TIMED_HOLDS 4
/// One uncontended acquisition in this many is timed to its release (TraceLimits.holdSampleInterval).
#define LP_SAMPLE_INTERVAL 64
/// One in this many timed holds of a lock that has waited reads the holder's CPU clock (a power of 2).
#define LP_CPU_SAMPLE_INTERVAL 16

typedef struct {
    uintptr_t address;
    lp_lock *lock;
    uint64_t acquisitions, secondary, failed_try;
} lp_cache_entry;

typedef struct {
    uintptr_t address;
    lp_lock *lock;
    uint64_t start;
    uint64_t cpu_start;  // the holder's CPU clock at the start (after `start`), 0 when not read
    int sampled;  // else: the acquisition was contended
} lp_timed_hold;

/// Locks a thread holds whose order is tracked (lock_order.c): deeper nesting is counted, not kept.
#define LP_HELD_LOCKS 16

/// One lock the thread holds now, in acquisition order.
typedef struct {
    uintptr_t address;
    lp_lock *lock;
} lp_held_lock;

typedef struct lp_thread {
    int busy;        // the library's own work is running on this thread: pass calls through
    int registered;  // on the thread list, with an exit hook
    int announced;   // its `thread` raw record was written
    uint32_t tid;
    uint32_t sample_countdown;
    uint32_t timed_count;
    uint32_t cpu_timed_holds;  // timed holds of locks that waited: 1 in LP_CPU_SAMPLE_INTERVAL reads the CPU clock
    uint32_t held_count;  // locks held now; only the first LP_HELD_LOCKS are in `held`
    uint64_t last_pair;   // the pair key (lock_order.c) last met holding one lock: known to the table
    lp_held_lock held[LP_HELD_LOCKS];
    lp_timed_hold timed[LP_TIMED_HOLDS];
    lp_cache_entry cache[LP_CACHE_SLOTS];
    struct lp_thread *previous, *next;
} lp_thread;

extern __thread lp_thread lp_self __attribute__((tls_model("initial-exec")));

static inline lp_cache_entry *lp_slot(lp_thread *thread, uintptr_t address) {
    return &thread->cache[(address >> 4 ^ address >> 10) & (LP_CACHE_SLOTS - 1)];
}

/// Points `entry` at the live record of `address` (adding what it held to its old record).
void lp_cache_fill(lp_thread *thread, lp_cache_entry *entry, uintptr_t address, int kind);

/// The calling thread's entry for `address`, valid (filled when it was not).
static inline lp_cache_entry *lp_entry(lp_thread *thread, uintptr_t address, int kind) {
    lp_cache_entry *entry = lp_slot(thread, address);
    if (LP_UNLIKELY(entry->address != address || __atomic_load_n(&entry->lock->dead, __ATOMIC_RELAXED))) {
        lp_cache_fill(thread, entry, address, kind);
    }
    return entry;
}

/// Starts timing this acquisition to its release (1 in LP_SAMPLE_INTERVAL).
void lp_sample_hold(lp_thread *thread, lp_cache_entry *entry);

// MARK: Lock order (lock_order.c)

/// Records, once per process, each pair (a lock the thread holds → `acquired`) not seen before,
/// writing a `lock order` raw record with the acquiring stack for each new one. Called before a
/// blocking acquisition waits, so a real deadlock still leaves its order in the log.
void lp_order_note(lp_thread *thread, lp_lock *acquired);

/// Removes `address` from the held locks when it is not the latest one (out of line).
void lp_held_remove(lp_thread *thread, uintptr_t address);

/// Adds a lock the thread now holds. No allocation: past LP_HELD_LOCKS only the depth is kept.
static inline void lp_held_push(lp_thread *thread, uintptr_t address, lp_lock *lock) {
    uint32_t count = thread->held_count;
    if (LP_LIKELY(count < LP_HELD_LOCKS)) {
        thread->held[count].address = address;
        thread->held[count].lock = lock;
    }
    thread->held_count = count + 1;
}

/// Before a release of `address`: the thread no longer holds it. The common case, the latest
/// lock released first, is one compare.
static inline void lp_held_pop(lp_thread *thread, uintptr_t address) {
    uint32_t count = thread->held_count;
    if (LP_LIKELY(count - 1 < LP_HELD_LOCKS && thread->held[count - 1].address == address)) {
        thread->held_count = count - 1;
    } else if (count) {
        lp_held_remove(thread, address);
    }
}

/// What an acquisition does to the held locks: nothing (a condition wait took back a mutex it
/// still held), push it (a try, which cannot deadlock: it orders nothing), or record its order
/// after the locks held and push it.
enum { LP_HOLD_KEEP = 0, LP_HOLD_PUSH = 1, LP_HOLD_ORDER = 2 };

/// Counts one acquisition of `address` (and, 1 in LP_SAMPLE_INTERVAL, times it). `secondary`:
/// a re-entry of a recursive mutex, or a shared acquisition of a reader-writer lock. `hold`:
/// LP_HOLD_KEEP, LP_HOLD_PUSH or LP_HOLD_ORDER (a re-entry is never pushed).
static inline void lp_count_acquisition(lp_thread *thread, uintptr_t address, int kind, int secondary, int hold) {
    lp_cache_entry *entry = lp_entry(thread, address, kind);
    if (secondary == 1 && kind == LP_KIND_RECURSIVE) {
        entry->secondary++;  // a re-entry: not an acquisition, never contended
        return;
    }
    entry->acquisitions++;
    if (secondary) entry->secondary++;
    if (hold != LP_HOLD_KEEP) {
        if (hold == LP_HOLD_ORDER && thread->held_count) {
            int was_busy = thread->busy;
            thread->busy = 1;
            lp_order_note(thread, entry->lock);
            thread->busy = was_busy;
        }
        lp_held_push(thread, address, entry->lock);
    }
    if (LP_UNLIKELY(--thread->sample_countdown == 0)) lp_sample_hold(thread, entry);
}

/// The slow half of a blocking acquisition whose try failed: waits with `acquire` (the real
/// lock call, given `object` and `argument`), timing the wait and logging it. Returns what it
/// returned.
int lp_wait_for(lp_thread *thread, uintptr_t address, int kind, int shared, int (*acquire)(void *, const void *),
                void *object, const void *argument);

/// The slow half of a release: ends a timed hold, logs a release that found waiters. `release`
/// is the real unlock.
int lp_release_slow(lp_thread *thread, uintptr_t address, int kind, int maybe_waiters, int (*release)(void *),
                    void *object);

/// Ends the timed hold of `address`, if any, without logging (a condition wait released it).
void lp_forget_timed_hold(lp_thread *thread, uintptr_t address);

/// Adds the calling thread's cached counts to the records and leaves the thread list.
void lp_thread_flush(lp_thread *thread);

/// Adds every listed thread's cached counts to the records (the exit dump; other threads' counts
/// are read as they are at that moment).
void lp_flush_all_threads(void);

/// Registers the calling thread (thread list, exit hook) the first time it fills its cache.
void lp_thread_register(lp_thread *thread);

// MARK: Stacks

/// Most frames kept per stack.
#define LP_MAX_FRAMES 32

/// Captures the calling thread's return addresses, innermost first, without this library's own
/// frames. Returns how many.
int lp_capture(uint64_t *frames, int max);

/// The interned id of `frames` (a creation stack), writing it to the log the first time.
uint32_t lp_intern_stack(const uint64_t *frames, int count);

// MARK: Raw log

/// Opens the log named by LOCKPROF_PRELOAD_OUTPUT (set by `lockprof record`) or, used directly,
/// LOCKPROF_TRACE (`%p` becomes the pid; never over an existing file, which direct use says in
/// one line on stderr) and writes the process and module records. Returns 0 when recording can start.
int lp_log_open(void);

/// Appends one raw record (tag, body) to the log buffer, writing the buffer out when it is full.
void lp_log_record(uint8_t tag, const void *body, uint32_t length);

/// The calling thread's `thread` record, written before its first event.
void lp_log_thread(lp_thread *thread);

/// The `lock` record of `lock`, written before its first event (and at the exit dump).
void lp_log_lock(lp_lock *lock);

/// A contention event: `thread` waited `wait_ns` for `lock` until `end_ns`.
void lp_log_contention(lp_thread *thread, lp_lock *lock, uint64_t end_ns, uint64_t wait_ns, int timed_out,
                       int shared, const uint64_t *frames, int frame_count);

/// A release that left waiters: `thread` held `lock` `hold_ns` until `time_ns`.
void lp_log_release(lp_thread *thread, lp_lock *lock, uint64_t time_ns, uint64_t hold_ns, int exact,
                    const uint64_t *frames, int frame_count);

/// A new lock-order pair: `thread` acquired `acquired` while holding `held`, at `frames`.
void lp_log_lock_order(lp_thread *thread, lp_lock *held, lp_lock *acquired, const uint64_t *frames, int frame_count);

/// The stack record of an interned creation stack.
void lp_log_stack(uint32_t stack_id, const uint64_t *frames, int count);

/// At process exit: every thread's counts, every used lock's statistics, the modules, the end.
void lp_log_finish(void);

/// After fork, in the child: stop recording (the child writes nothing; see docs/design.md).
void lp_log_forget_after_fork(void);

/// Takes and releases every internal lock around fork, so the child never inherits one held.
void lp_fork_prepare(void);
void lp_fork_parent(void);
void lp_table_fork_prepare(void);
void lp_table_fork_release(void);
void lp_threads_fork_prepare(void);
void lp_threads_fork_release(void);
void lp_log_fork_prepare(void);
void lp_log_fork_release(void);

/// This library's own code range, whose frames stacks leave out.
extern uintptr_t lp_self_start, lp_self_end;

#pragma GCC visibility pop

#endif
