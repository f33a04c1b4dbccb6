// Stack capture by walking frame pointers, and following Swift async context chains.
//
// Swift on Linux x86_64 and aarch64 keeps frame pointers, so the runtime's stack is a walk of the
// frame records [saved fp, return address] from this function's own frame outwards. Each fp is
// checked against the thread's stack bounds (pthread_getattr_np, read once per thread and kept in
// a thread-local) before it is read, must be aligned, and must increase: a frame without a frame
// pointer (a C library compiled without one) ends the walk instead of faulting. The walk replaces
// libunwind's unw_backtrace, whose first use gives every thread a 256 KiB cache
// (docs/performance.md, "Stack capture"); unw_backtrace stays as the fallback when a thread's
// bounds cannot be read, and as lockprof_capture_stack_unwind for the benchmark and the tests.
//
// Async frames (issue 21): a task's job is run by the concurrency runtime's job runner, which
// calls the task's resume function directly; an async function's prologue saves its async
// context just below its frame record (fp − 8). The context's first word is its parent (the
// async caller's context), the second the caller's resume function. So where the walk meets a
// frame whose return address is in the job runner (job_runner.c says why that is the sign on
// Linux, where the saved fp carries no async tag) while a task is current, it follows that
// chain — the task's callers, which are on no thread's stack — and then goes on with the fp
// chain: the executor frames that ran the job. This is what Swift's runtime backtracer
// (FramePointerUnwinder) and lldb do with Darwin's tagged frames. A resume function is an entry
// point, not a return address; it is recorded as entry + 1 because the symbolizers look up
// address − 1 (inside the call instruction of a return address).
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <pthread.h>

#include "CLockProfSupport.h"

#if defined(__x86_64__)
enum { frame_alignment = 16 };
#elif defined(__aarch64__)
enum { frame_alignment = 8 };
#else
#error "lockprof walks frame pointers on x86_64 and aarch64 only"
#endif

/// The task running on this thread; weak, so that a program without the concurrency runtime
/// links (then no frame is a task's).
extern void *swift_task_getCurrent(void) __attribute__((weak));

/// The calling thread's stack, [low, high); both 0 before the first capture, high == 1 when
/// pthread_getattr_np failed (then libunwind captures this thread's stacks).
static __thread uintptr_t thread_stack_low, thread_stack_high;

static int thread_stack_bounds(uintptr_t *low, uintptr_t *high) {
    if (thread_stack_high == 0) {
        pthread_attr_t attributes;
        void *base = NULL;
        size_t size = 0;
        thread_stack_high = 1;
        if (pthread_getattr_np(pthread_self(), &attributes) == 0) {
            if (pthread_attr_getstack(&attributes, &base, &size) == 0 && base != NULL && size > 0) {
                thread_stack_low = (uintptr_t)base;
                thread_stack_high = (uintptr_t)base + size;
            }
            pthread_attr_destroy(&attributes);
        }
    }
    *low = thread_stack_low;
    *high = thread_stack_high;
    return *high > 1;
}

/// unw_backtrace from the function it is inlined into: skips that function and `skip` more.
static inline __attribute__((always_inline)) int unwind_capture(uint64_t *frames, int max, int skip) {
    enum { limit = 128 };
    void *buffer[limit];
    int wanted = max + skip + 1;  // +1: the calling function's own frame
    if (wanted > limit) wanted = limit;
    int got = unw_backtrace(buffer, wanted);
    int count = 0;
    for (int index = skip + 1; index < got && count < max; index++) frames[count++] = (uint64_t)(uintptr_t)buffer[index];
    return count;
}

int lockprof_capture_stack_unwind(uint64_t *frames, int max, int skip) {
    return unwind_capture(frames, max, skip);
}

/// Appends the resume points of the async context chain that starts at `context`, at most up to
/// `max` frames; returns the new count. Contexts live in the task allocator, not on the stack:
/// they are trusted because the compiler's tag said this frame is async, and checked for
/// alignment and a chain that ends (at most `max` links).
static int follow_async_chain(uintptr_t context, uint64_t *frames, int count, int max, int *skip) {
    while (context != 0 && (context & 15) == 0 && count < max) {
        uintptr_t parent = ((const uintptr_t *)context)[0];
        uintptr_t resume = ((const uintptr_t *)context)[1];
        if (resume == 0) break;
        if (*skip > 0) (*skip)--; else frames[count++] = (uint64_t)resume + 1;
        context = parent;
    }
    return count;
}

int lockprof_capture_stack(uint64_t *frames, int max, int skip) {
    uintptr_t low, high;
    if (!thread_stack_bounds(&low, &high)) return unwind_capture(frames, max, skip);
    uintptr_t fp = (uintptr_t)__builtin_frame_address(0);
    uintptr_t runner_start = 0, runner_end = 0;
    if (swift_task_getCurrent && swift_task_getCurrent() != NULL) lockprof_job_runner_range(&runner_start, &runner_end);
    int count = 0;
    while (count < max) {
        if (fp < low + sizeof(uintptr_t) || fp > high - 2 * sizeof(uintptr_t) || (fp & (frame_alignment - 1)) != 0) break;
        const uintptr_t *record = (const uintptr_t *)fp;
        uintptr_t next = record[0];
        uintptr_t address = record[1];
        if (address == 0) break;
        // The frame at fp is a task's resume function: its async callers come before
        // `address`, the job runner that called it.
        if (address >= runner_start && address < runner_end) {
            count = follow_async_chain(record[-1], frames, count, max, &skip);
            if (count >= max) break;
        }
        if (skip > 0) skip--; else frames[count++] = (uint64_t)address;
        if (next <= fp) break;
        fp = next;
    }
    return count;
}
