// The only C in lockprof: what Swift cannot reach directly or cheaply.
// Clock (rdtsc or CLOCK_MONOTONIC; the thread CPU clock), thread ids and names, a thread-local slot with an exit hook,
// stack capture (a frame-pointer walk that follows Swift async contexts), module lookup
// (dladdr1), futex, process identity.
#ifndef CLOCKPROF_SUPPORT_H
#define CLOCKPROF_SUPPORT_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: Clock

/// Calibration of the time-stamp counter against CLOCK_MONOTONIC, set once by lockprof_clock_init.
/// When `uses_tsc` is 0 the clock reads CLOCK_MONOTONIC instead. Published atomically: the other
/// fields are stored (relaxed) before `uses_tsc` is set (releasing), and readers load `uses_tsc`
/// acquiring, then the fields (relaxed): a thread that sees the TSC in use sees its calibration.
/// On x86 each of these is a plain `mov`.
typedef struct {
    uint64_t base_ticks;
    uint64_t base_ns;
    uint64_t mult;  // ns = base_ns + ((ticks - base_ticks) * mult) >> 32
    int uses_tsc;
} lockprof_clock_calibration_t;

extern lockprof_clock_calibration_t lockprof_clock_calibration;

/// Calibrates the TSC (about 5 ms) when the CPU has an invariant one; otherwise keeps
/// CLOCK_MONOTONIC. Call once before recording; later calls do nothing.
void lockprof_clock_init(void);

/// CLOCK_MONOTONIC in nanoseconds.
uint64_t lockprof_monotonic_ns(void);

/// CLOCK_REALTIME in nanoseconds since the Unix epoch.
uint64_t lockprof_wall_ns(void);

/// CPU time the calling thread has run (CLOCK_THREAD_CPUTIME_ID) in nanoseconds, never 0; 0 when
/// the clock cannot be read. A system call on Linux (the vDSO serves only the wall clocks), so it
/// is read only at both ends of holds that are timed anyway, never on the uncontended path
/// (LockCore+HolderCPU.swift).
uint64_t lockprof_thread_cpu_ns(void);

/// For tests only: moves the TSC clock by `nanoseconds` (negative: back), as a TSC that lags on
/// another core makes it seem to step back. Returns 0 (and does nothing) when the TSC is not in use.
int lockprof_clock_step_for_testing(int64_t nanoseconds);

/// "tsc" or "monotonic".
const char *lockprof_clock_source(void);

/// Nanoseconds on the monotonic time line: rdtsc scaled (≈15 ns) or clock_gettime (≈36 ns).
static inline __attribute__((always_inline)) uint64_t lockprof_now_ns(void) {
#if defined(__x86_64__)
    if (__builtin_expect(__atomic_load_n(&lockprof_clock_calibration.uses_tsc, __ATOMIC_ACQUIRE), 1)) {
        uint64_t ticks = __builtin_ia32_rdtsc();
        uint64_t base_ticks = __atomic_load_n(&lockprof_clock_calibration.base_ticks, __ATOMIC_RELAXED);
        // A core whose TSC lags the calibrating core's may read less than the base: clamp, rather
        // than wrap to a time centuries ahead.
        uint64_t elapsed_ticks = ticks > base_ticks ? ticks - base_ticks : 0;
        unsigned __int128 scaled = (unsigned __int128)elapsed_ticks *
                                   __atomic_load_n(&lockprof_clock_calibration.mult, __ATOMIC_RELAXED);
        return __atomic_load_n(&lockprof_clock_calibration.base_ns, __ATOMIC_RELAXED) + (uint64_t)(scaled >> 32);
    }
#endif
    return lockprof_monotonic_ns();
}

/// A spin-wait hint to the CPU (x86 `pause`), used between polls of a lock word.
static inline __attribute__((always_inline)) void lockprof_cpu_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/// An empty asm statement the compiler must keep in place. Placed after a call into the lock's
/// slow path, it keeps that call out of tail position, so the caller's frame (the user's function
/// that took or released the lock) stays on the stack the slow path captures.
static inline __attribute__((always_inline)) void lockprof_keep_frame(void) { __asm__ __volatile__("" ::: "memory"); }

// MARK: Recording flag

/// Non-zero while a recording session is running. Read on the contended path and on the
/// 1-in-64 sampled acquisitions; written only by session start and stop.
extern volatile int lockprof_recording_flag;

static inline __attribute__((always_inline)) int lockprof_is_recording(void) {
    return __atomic_load_n(&lockprof_recording_flag, __ATOMIC_RELAXED);
}

/// The flag read acquiring (a plain load on x86): after it reads 1, what the session's start
/// wrote before turning recording on (its number, its start time) is visible. Used where a
/// session's data is read after the flag; the hot paths' relaxed read decides only "record or not".
static inline __attribute__((always_inline)) int lockprof_is_recording_acquire(void) {
    return __atomic_load_n(&lockprof_recording_flag, __ATOMIC_ACQUIRE);
}

void lockprof_set_recording(int on);

// MARK: Threads

/// The kernel thread id of the calling thread (gettid, cached per thread).
uint64_t lockprof_thread_id(void);

/// A byte per thread whose address identifies the thread.
extern __thread char lockprof_thread_token_anchor;

/// An identity of the calling thread that costs one thread-local address computation, inlined
/// (owner checks, recursive locks' re-entry test).
static inline __attribute__((always_inline)) uintptr_t lockprof_thread_token(void) {
    return (uintptr_t)&lockprof_thread_token_anchor;
}

/// The calling thread's lock-registry shard plus one, 0 until `lockprof_registry_shard` assigned it.
extern __thread uint32_t lockprof_registry_shard_plus_one;

/// Assigns the calling thread its shard (the next one round-robin); returns it.
uint32_t lockprof_registry_shard_assign(void);

/// The lock-registry shard of the locks the calling thread creates (LockRegistry.swift): threads
/// take the shards round-robin as each creates its first lock, so up to
/// `LOCKPROF_LOCK_REGISTRY_SHARDS` threads creating locks at once take different shard mutexes.
static inline __attribute__((always_inline)) uint32_t lockprof_registry_shard(void) {
    uint32_t shard = lockprof_registry_shard_plus_one;
    return shard != 0 ? shard - 1 : lockprof_registry_shard_assign();
}

/// Copies the calling thread's name into `buffer`; returns 0 on success.
int lockprof_thread_name(char *buffer, size_t size);

/// The calling thread's ring (opaque to C). NULL before the thread's first event;
/// LOCKPROF_RING_RETIRED once the thread is exiting and its ring was handed back.
extern __thread void *lockprof_thread_ring;
#define LOCKPROF_RING_RETIRED ((void *)1)

static inline __attribute__((always_inline)) void *lockprof_current_ring(void) { return lockprof_thread_ring; }

/// Stores the calling thread's ring and arranges for `exit_callback(ring)` when the thread exits.
void lockprof_set_current_ring(void *ring);

/// Registers the function called with a thread's ring when that thread exits (set once).
void lockprof_set_thread_exit_callback(void (*exit_callback)(void *ring));

// MARK: Held locks (lock order)

/// How many held profiled locks a thread keeps in its fixed thread-local array, pushed and popped
/// inline. Deeper nesting spills into a per-thread heap array, out of line (held_locks.c).
#define LOCKPROF_HELD_LOCKS_FIXED 16

/// The most profiled locks a thread tracks at once (fixed array and spill: 4 KiB at most);
/// acquisitions nested deeper are not tracked and order nothing.
#define LOCKPROF_HELD_LOCKS_MAX 1024

/// `lockprof_held_locks.count` while the spill is in use. `locks[count - 1]` is then the guard
/// slot, which holds 0 (never a lock id), so the inlined pop's test of the top entry fails and
/// the out-of-line removal, which knows the spill, runs instead.
#define LOCKPROF_HELD_LOCKS_SPILLED (LOCKPROF_HELD_LOCKS_FIXED + 1)

/// The profiled locks the calling thread holds, in acquisition order: the first
/// LOCKPROF_HELD_LOCKS_FIXED here, the rest in the spill. Written only by its own thread: pushed
/// on an acquisition made while recording, removed on release (whether or not still recording,
/// so a session never inherits stale entries from an earlier one).
///
/// `count` is 0…LOCKPROF_HELD_LOCKS_FIXED when everything held is in `locks`, and
/// LOCKPROF_HELD_LOCKS_SPILLED while the spill holds more (then `locks` is full). The last
/// element of `locks` is the guard slot and is never written.
typedef struct {
    uint32_t count;
    uint32_t locks[LOCKPROF_HELD_LOCKS_FIXED + 1];
} lockprof_held_locks_t;

extern __thread lockprof_held_locks_t lockprof_held_locks;

/// The held locks past the fixed array: `locks[0]` was taken right after the fixed array's last.
/// Allocated on the first acquisition nested deeper than LOCKPROF_HELD_LOCKS_FIXED, grown by
/// doubling up to LOCKPROF_HELD_LOCKS_MAX in all, freed when the thread exits.
typedef struct {
    uint32_t *locks;
    uint32_t count;
    uint32_t capacity;
} lockprof_held_spill_t;

extern __thread lockprof_held_spill_t lockprof_held_spill;

/// Non-zero when the calling thread holds any tracked profiled lock: one thread-local read.
/// (It is the fixed array's count, or LOCKPROF_HELD_LOCKS_SPILLED; the depth is
/// lockprof_held_depth().)
static inline __attribute__((always_inline)) uint32_t lockprof_held_count(void) { return lockprof_held_locks.count; }

/// How many profiled locks the calling thread holds (as tracked), at any depth.
static inline __attribute__((always_inline)) uint32_t lockprof_held_depth(void) {
    uint32_t count = lockprof_held_locks.count;
    return count <= LOCKPROF_HELD_LOCKS_FIXED ? count : LOCKPROF_HELD_LOCKS_FIXED + lockprof_held_spill.count;
}

/// The `index`-th lock held (0 = taken first); `index < lockprof_held_depth()`.
static inline __attribute__((always_inline)) uint32_t lockprof_held_lock(uint32_t index) {
    return index < LOCKPROF_HELD_LOCKS_FIXED ? lockprof_held_locks.locks[index]
                                             : lockprof_held_spill.locks[index - LOCKPROF_HELD_LOCKS_FIXED];
}

/// Appends `lock` to the spill (the fixed array is full); out of line. Past
/// LOCKPROF_HELD_LOCKS_MAX, or when memory cannot be had, the lock is not tracked.
void lockprof_held_push_deep(uint32_t lock);

/// Notes that the calling thread now holds `lock`: inlined into the fixed array, out of line
/// past it.
static inline __attribute__((always_inline)) void lockprof_held_push(uint32_t lock) {
    uint32_t count = lockprof_held_locks.count;
    if (count < LOCKPROF_HELD_LOCKS_FIXED) {
        lockprof_held_locks.locks[count] = lock;
        lockprof_held_locks.count = count + 1;
    } else {
        lockprof_held_push_deep(lock);
    }
}

/// Notes that the calling thread released `lock`: removes its latest entry, at any depth (locks
/// may be released in any order); does nothing when `lock` is not tracked.
void lockprof_held_remove(uint32_t lock);

/// The release's removal: inlined when `lock` is the fixed array's top entry and nothing is
/// spilled (the guard slot makes the test fail while something is), else lockprof_held_remove.
static inline __attribute__((always_inline)) void lockprof_held_pop(uint32_t lock) {
    uint32_t count = lockprof_held_locks.count;
    if (count == 0) return;
    if (lockprof_held_locks.locks[count - 1] == lock) {
        lockprof_held_locks.count = count - 1;
    } else {
        lockprof_held_remove(lock);
    }
}

// MARK: Stacks and modules

/// Captures up to `max` return addresses of the calling thread, innermost first, skipping
/// `skip` frames above the caller. Returns the number captured. Walks frame pointers within the
/// thread's stack bounds and, through a Swift async frame, the task's async callers (their resume
/// functions + 1); libunwind only when the thread's stack bounds cannot be read (stack.c).
int lockprof_capture_stack(uint64_t *frames, int max, int skip);

/// The same with libunwind's unw_backtrace (which allocates a 256 KiB cache in every thread that
/// uses it): kept for the capture benchmark and to check the frame-pointer walk against.
int lockprof_capture_stack_unwind(uint64_t *frames, int max, int skip);

/// The address range of the Swift concurrency runtime's job runner
/// (swift::runJobInEstablishedExecutorContext), read once from libswift_Concurrency's symbol
/// table; returns 0, and an empty range, when it cannot be found (job_runner.c).
int lockprof_job_runner_range(uintptr_t *start, uintptr_t *end);

/// Finds the module containing `address`: writes its load bias (address − bias is the
/// module-relative address symbolizers expect) and copies its path. Returns 0 when found.
int lockprof_module_of(uint64_t address, uint64_t *bias, char *path, size_t path_size);

/// The nearest exported symbol name for `address` (may be mangled); 0 when found.
int lockprof_symbol_name(uint64_t address, char *name, size_t name_size);

// MARK: Futex

/// Sleeps while `*word == expected`, at most `timeout_ns` (negative: no limit).
/// Returns 0 when woken, EAGAIN when `*word` already differed from `expected`, ETIMEDOUT on
/// timeout, EINTR when interrupted by a signal. Every caller re-checks the word, so each of these
/// simply means "look again".
int lockprof_futex_wait(uint32_t *word, uint32_t expected, int64_t timeout_ns);

/// Wakes up to `count` threads sleeping on `word`.
void lockprof_futex_wake(uint32_t *word, int count);

// MARK: Fork

/// The lock registry's shards (LockRegistry.swift), each with its own mutex.
#define LOCKPROF_LOCK_REGISTRY_SHARDS 8
/// The registries' mutexes, by index; `lockprof_registry_lock` takes them in this order when nested
/// (the lock registry's shards are never nested with one another: its readers take one at a time).
#define LOCKPROF_REGISTRY_MUTEX_COUNT (2 + LOCKPROF_LOCK_REGISTRY_SHARDS)
/// The session's mutex, the first of the lock registry's shards (shard `i` is
/// `LOCKPROF_LOCK_REGISTRY_MUTEX + i`), the ring registry's mutex.
enum {
    LOCKPROF_SESSION_MUTEX = 0,
    LOCKPROF_LOCK_REGISTRY_MUTEX = 1,
    LOCKPROF_RING_REGISTRY_MUTEX = 1 + LOCKPROF_LOCK_REGISTRY_SHARDS
};

/// Locks one of the registry mutexes (installing the fork handlers on first use). These mutexes
/// are held across fork() by the fork handlers, so a child never inherits one held by a thread
/// it does not have. See fork.c.
void lockprof_registry_lock(int which);
void lockprof_registry_unlock(int which);

/// Registers the function the child runs right after fork(), once recording is off and the
/// registry mutexes are free (set once).
void lockprof_set_fork_child_callback(void (*callback)(void));

/// Forgets the calling thread's cached kernel thread id (after fork() it belongs to the parent).
void lockprof_thread_forget_id(void);

// MARK: Reader-writer lock

/// An opaque, writer-preferring pthread reader-writer lock (PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP:
/// a reader does not enter while a writer waits). Created unlocked; never moves.
typedef struct lockprof_rwlock lockprof_rwlock_t;

lockprof_rwlock_t *lockprof_rwlock_create(void);
void lockprof_rwlock_destroy(lockprof_rwlock_t *lock);

/// 0 when acquired now; non-zero (EBUSY) when not.
int lockprof_rwlock_try_read(lockprof_rwlock_t *lock);
int lockprof_rwlock_try_write(lockprof_rwlock_t *lock);

/// Waits for the lock, at most `timeout_ns` (negative: no limit). 0 when acquired, ETIMEDOUT not.
int lockprof_rwlock_read(lockprof_rwlock_t *lock, int64_t timeout_ns);
int lockprof_rwlock_write(lockprof_rwlock_t *lock, int64_t timeout_ns);

/// Releases a read or a write hold.
void lockprof_rwlock_unlock(lockprof_rwlock_t *lock);

// MARK: Process

int32_t lockprof_process_id(void);

/// Copies the process's short name (/proc/self/comm) into `buffer`.
void lockprof_process_name(char *buffer, size_t size);

/// Copies the real path of the running executable into `buffer`; returns 0 on success.
int lockprof_executable_path(char *buffer, size_t size);

/// Ignores SIGXFSZ when it has its default action (which kills the process), so a trace that
/// reaches the file-size limit fails its write with EFBIG instead. Returns 1 if it changed it.
int lockprof_ignore_file_size_signal(void);

#ifdef __cplusplus
}
#endif

#endif
